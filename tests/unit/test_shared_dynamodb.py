"""One DynamoDB Local shared by a test run's processes and stacks: how a process finds it, how the
tables of each are named apart, and which endpoints a stack accepts as one already running."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

from local import dynamodb_local
from local.dynamodb_local import TABLE_NAME_CHARACTERS
from local.stack import parse_args
from local.testing import SHARED_DYNAMODB_FAILED, SharedDynamoDBLocal, shared_dynamodb_endpoint, table_prefix_of

if TYPE_CHECKING:
    from pathlib import Path


def _publish(endpoint_file: Path, text: str) -> None:
    """As the shared DynamoDB Local publishes: the whole text, then the name."""
    partial = endpoint_file.with_name("partial")
    partial.write_text(text)
    partial.replace(endpoint_file)


def test_a_reader_gets_the_endpoint_once_it_is_published(tmp_path: Path) -> None:
    endpoint_file = tmp_path / "dynamodb"
    threading.Timer(0.2, _publish, (endpoint_file, "http://127.0.0.1:41234")).start()

    assert shared_dynamodb_endpoint(endpoint_file, timeout=10) == "http://127.0.0.1:41234"


def test_a_reader_is_told_why_it_did_not_start(tmp_path: Path) -> None:
    endpoint_file = tmp_path / "dynamodb"
    endpoint_file.write_text(f"{SHARED_DYNAMODB_FAILED}Java 17 or newer is needed to run DynamoDB Local")

    with pytest.raises(RuntimeError, match="did not start: Java 17 or newer is needed"):
        shared_dynamodb_endpoint(endpoint_file)


def test_a_dynamodb_local_that_cannot_start_fails_its_readers_not_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN no Java on this machine
    monkeypatch.setattr(dynamodb_local, "ensure_installed", lambda: tmp_path)
    monkeypatch.setattr(dynamodb_local.shutil, "which", lambda name: None)
    shared = SharedDynamoDBLocal(tmp_path / "dynamodb")

    shared.launch()  # WHEN the run's controller launches it: it does not raise

    # THEN whoever needs it is told why
    with pytest.raises(RuntimeError, match="did not start: Java 17 or newer is needed"):
        shared_dynamodb_endpoint(tmp_path / "dynamodb", timeout=5)
    shared.stop()


def test_a_reader_gives_up_when_nothing_is_published(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="wrote no endpoint"):
        shared_dynamodb_endpoint(tmp_path / "dynamodb", timeout=0.2)


def test_each_owner_names_its_tables_apart_and_readably(tmp_path: Path) -> None:
    # Every xdist worker has a state directory of the same name: the prefixes still differ.
    first, second = (
        table_prefix_of(str(tmp_path / "gw0" / "local-stack0")),
        table_prefix_of(str(tmp_path / "gw1" / "local-stack0")),
    )

    assert first != second
    assert first.startswith("local-stack0-")
    assert table_prefix_of(str(tmp_path / "gw0" / "local-stack0")) == first  # the same owner, the same tables
    assert TABLE_NAME_CHARACTERS.issuperset(first + table_prefix_of("a b/c:d*e/é-stack"))
    # What `--table-prefix` accepts: a stack started on a state directory of any name takes its prefix.
    assert parse_args(["--dynamodb-endpoint", "http://127.0.0.1:8000", "--table-prefix", table_prefix_of("/tmp/é")])


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:8000", "http://127.0.0.1:8000/"])
def test_a_stack_takes_a_dynamodb_local_of_this_machine(endpoint: str) -> None:
    args = parse_args(["--dynamodb-endpoint", endpoint, "--table-prefix", "mine-"])

    assert args.dynamodb_endpoint == endpoint.rstrip("/")
    assert args.table_prefix == "mine-"


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://10.0.0.8:8000",
        "https://dynamodb.us-east-1.amazonaws.com",
        "http://localhost:8000",  # may be ::1 first, where nothing of ours listens
        "http://127.0.0.1",
        "http://127.0.0.1:8000/other",
        "127.0.0.1:8000",
    ],
)
def test_a_stack_refuses_a_dynamodb_endpoint_elsewhere(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--dynamodb-endpoint", endpoint])

    assert "expected http://127.0.0.1:<port>" in capsys.readouterr().err


@pytest.mark.parametrize("prefix", ["mine/", "é-", "two words-"])
def test_a_stack_refuses_a_table_prefix_no_table_name_may_hold(prefix: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--dynamodb-endpoint", "http://127.0.0.1:8000", "--table-prefix", prefix])

    assert "a table name holds only" in capsys.readouterr().err


def test_a_stack_with_a_dynamodb_local_of_its_own_takes_no_table_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--table-prefix", "mine-"])

    assert "give --dynamodb-endpoint too" in capsys.readouterr().err
