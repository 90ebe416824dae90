"""Custom data against DynamoDB Local: the 400 KiB limit, atomic chunked writes, versions, warm reads."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dahooks.exceptions import CustomDataTooLargeError, VersionConflictError
from dahooks.storage import MAX_DATA_BYTES, Storage, from_environment
from dahooks.storage.codec import compact_json
from dahooks.storage.custom_data import CustomDataStore
from dahooks.storage.dynamodb import build_client
from local.testing import hook_context, increment_counter, random_text_document


def test_a_write_of_exactly_the_limit_in_random_text_reads_back_identical(table):
    document = random_text_document(MAX_DATA_BYTES, seed=1)
    writer = Storage(table)

    version = writer.write(document)
    fresh = Storage(table).snapshot()  # another container: nothing in memory, everything from DynamoDB

    assert version == 1
    assert fresh.data == document
    assert (fresh.version, fresh.size) == (1, MAX_DATA_BYTES)
    # Compressed, it is still over one chunk: the write spans several items, and fits none alone.
    assert fresh.head.compressed is True
    assert fresh.head.chunks == 2


def test_one_byte_over_the_limit_is_refused_and_the_stored_data_is_unchanged(table):
    storage = Storage(table)
    storage.write({"departments": ["IT", "HR"]})

    with pytest.raises(CustomDataTooLargeError) as refused:
        storage.write(random_text_document(MAX_DATA_BYTES + 1, seed=2))

    assert "409601" in str(refused.value)
    assert "409600" in str(refused.value)
    assert refused.value.status == 413
    after = Storage(table).snapshot()
    assert (after.data, after.version) == ({"departments": ["IT", "HR"]}, 1)
    assert len(Storage(table).history()) == 1


def test_read_before_any_write_is_an_empty_object_at_version_zero(table):
    current = Storage(table).snapshot()

    assert (current.data, current.version, current.size) == ({}, 0, 2)


def test_a_stale_expected_version_fails_and_leaves_the_data_untouched(table):
    storage = Storage(table)
    storage.write({"n": 1})
    storage.write({"n": 2})

    with pytest.raises(VersionConflictError):
        storage.write({"n": "stale"}, expected_version=1)

    after = Storage(table).snapshot()
    assert (after.data, after.version) == ({"n": 2}, 2)
    assert storage.write({"n": 3}, expected_version=2) == 3


def test_a_writer_that_lost_the_race_after_checking_the_version_gets_a_conflict(table):
    # GIVEN a writer that read version 1, and another container that writes version 2 before it commits
    slow, fast = Storage(table), Storage(table)
    slow.write({"who": "first"})
    seen = slow.custom_data._head()
    fast.write({"who": "fast"})
    slow.custom_data._head = lambda: seen  # the version check passes on what it saw

    # WHEN the slow writer commits, THEN the conditional transaction refuses it
    with pytest.raises(VersionConflictError):
        slow.write({"who": "slow"}, expected_version=1)

    after = Storage(table).snapshot()
    assert (after.data, after.version) == ({"who": "fast"}, 2)


def _racing_reader(table: str, writer: Storage, *racing_writes: dict[str, Any]) -> tuple[Storage, list[int]]:
    """A reader whose first chunk fetch happens only after `racing_writes` have committed."""
    reader = Storage(table)
    fetch = reader.custom_data._chunks
    calls: list[int] = []

    def fetch_after_concurrent_writes(head: Any) -> Any:
        calls.append(head.version)
        if len(calls) == 1:
            for document in racing_writes:
                writer.write(document)
        return fetch(head)

    reader.custom_data._chunks = fetch_after_concurrent_writes
    return reader, calls


def test_a_reader_overtaken_by_one_write_still_returns_the_version_it_started_whole(table):
    old, new = random_text_document(350_000, seed=3), random_text_document(350_000, seed=4)
    writer = Storage(table)
    writer.write(old)
    reader, calls = _racing_reader(table, writer, new)

    current = reader.snapshot()

    assert calls == [1]
    assert (current.version, current.data == old) == (1, True)


def test_a_reader_overtaken_by_two_writes_starts_over_and_never_returns_half_a_version(table):
    # GIVEN a reader that has read version 1's head when two writes replace it (deleting its chunks)
    documents = [random_text_document(350_000, seed=seed) for seed in (3, 4, 5)]
    writer = Storage(table)
    writer.write(documents[0])
    reader, calls = _racing_reader(table, writer, documents[1], documents[2])

    # WHEN it reads, THEN it starts over and returns version 3 whole
    current = reader.snapshot()

    assert calls == [1, 3]
    assert (current.version, current.data == documents[2]) == (3, True)


def test_small_data_lives_in_the_head_so_even_a_cold_read_is_one_read_unit(table):
    Storage(table).write({"departments": ["IT", "HR", "Finance"]})

    cold = Storage(table).snapshot()

    assert cold.head.chunks == 0
    assert cold.read_capacity <= 1
    assert cold.data == {"departments": ["IT", "HR", "Finance"]}


def test_a_warm_read_of_unchanged_data_costs_at_most_one_read_unit(table):
    Storage(table).write(random_text_document(300_000, seed=5))
    reader = Storage(table)

    cold = reader.snapshot()
    warm = reader.snapshot()

    assert cold.read_capacity > 10  # the chunks: what a warm read must not pay again
    assert warm.read_capacity <= 1
    assert warm.data == cold.data


def test_a_warm_reader_sees_another_containers_write_at_once(table):
    first, second = Storage(table), Storage(table)
    first.write({"departments": ["IT"]})
    assert second.read() == {"departments": ["IT"]}

    first.write({"departments": ["IT", "Finance"]})

    assert second.read() == {"departments": ["IT", "Finance"]}


def test_changing_what_read_returned_does_not_change_the_next_read(table):
    storage = Storage(table)
    storage.write({"departments": ["IT"]})

    storage.read()["departments"].append("Mallory")

    assert storage.read() == {"departments": ["IT"]}


def test_update_retries_on_conflict_and_loses_neither_change(table):
    storage, other = Storage(table), Storage(table)
    storage.write({"a": 0, "b": 0})
    calls = []

    def increment_a(data: dict[str, Any]) -> dict[str, Any]:
        calls.append(dict(data))
        if len(calls) == 1:
            other.update(lambda d: {**d, "b": d["b"] + 1})  # a concurrent update lands first
        data["a"] += 1
        return data

    result = storage.update(increment_a)

    assert result == {"a": 1, "b": 1}
    assert len(calls) == 2
    assert Storage(table).read() == {"a": 1, "b": 1}


def test_every_write_leaves_an_audit_record_newest_first(table):
    ctx = hook_context(lambda: Storage(table), caller="auth0|kelly")
    ctx.write({"n": 1})
    ctx.update(lambda data: {"n": data["n"] + 1})

    history = Storage(table).history()

    assert [(entry["version"], entry["who"], entry["size"]) for entry in history] == [
        (2, "auth0|kelly", len(compact_json({"n": 2}))),
        (1, "auth0|kelly", len(compact_json({"n": 1}))),
    ]
    assert all(entry["when"].endswith("Z") for entry in history)


@pytest.mark.parametrize("bad", [["a list"], {"x": float("nan")}, {"x": object()}])
def test_data_that_is_not_a_json_object_is_refused_before_anything_is_written(table, bad):
    storage = Storage(table)

    with pytest.raises((TypeError, ValueError)):
        storage.write(bad)

    assert storage.snapshot().version == 0


def test_eight_processes_of_twenty_five_updates_each_end_at_exactly_two_hundred(table):
    # Eight processes of their own, each with its own client: forked from a fork server that has
    # imported the harness once (a fresh interpreter importing it, eight times over, was most of
    # this test's CPU), never from this process with its threads. A forked process has the fork
    # server's environment, not this test's: it is handed over. Eight writers started at once
    # conflict on nearly every update whatever their number: 25 each prove it as 50 did, at half the
    # CPU (each conflict is a read and a refused write in DynamoDB Local).
    processes = multiprocessing.get_context("forkserver")
    processes.set_forkserver_preload(["boto3", "local.testing", "dahooks.storage"])
    start = processes.Event()
    environment = dict(os.environ)
    workers = [processes.Process(target=increment_counter, args=(25, start, environment)) for _ in range(8)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=300)

    assert [worker.exitcode for worker in workers] == [0] * 8
    current = Storage(table).snapshot()
    assert current.data == {"counter": 200}
    assert current.version == 200
    assert [entry["version"] for entry in Storage(table).history()] == list(range(200, 150, -1))


def test_the_store_is_built_lazily_from_the_environment(table, monkeypatch):
    built = []
    ctx = hook_context(lambda: built.append(1) or from_environment())

    assert built == []
    ctx.write({"x": 1})
    ctx.read()

    assert built == [1]
    assert isinstance(ctx.container.storage.custom_data, CustomDataStore)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)


@pytest.fixture(scope="module")
def client(dynamodb_endpoint: str) -> Any:
    """One DynamoDB client for the containers of the property below: each example's writer and
    reader are containers of their own (nothing in memory), but building a client is a tenth of a
    second of CPU that says nothing about what is stored."""
    return build_client()


@settings(max_examples=20, deadline=None)
@given(document=st.dictionaries(st.text(), JSON_VALUES, max_size=8))
def test_any_json_object_within_the_limit_reads_back_equal(client, document):
    from dahooks import config

    table = config.env_str(config.TABLE_NAME)
    Storage(table, client).write(document)

    assert Storage(table, client).read() == document
