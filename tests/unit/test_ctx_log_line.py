"""A hook's `ctx.log` line is written without a LogRecord while the runtime's logger writes only to
stdout, and through the records whenever anything else listens: the same line either way."""

from __future__ import annotations

import io
import json
import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from dahooks import logs
from local.testing import KELLY, call_hook, hook_from_source

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SOURCE = """
    def hook(ctx):
        ctx.log("Verifying access:", ctx.request.user["app_metadata"], "Bearer tok-XYZZY")
        return {}
"""
# What differs between two invocations: when, and whether it was the first.
PER_INVOCATION = ("timestamp", "cold_start", "function_request_id")


def _pass(record: logging.LogRecord) -> bool:
    """A filter that lets every record through: what sends a line through the records."""
    return True


@contextmanager
def only_stdout() -> Iterator[None]:
    """The logger as in a hook function's Lambda: the production handler its only one (pytest adds
    its own to every logger that does not propagate, for each phase of a test) and no filters (the
    registration worker's masking filter stays on them once a test in this process installed it)."""
    handlers, filters, stdout_filters = logs._records.handlers, logs._records.filters, logs._stdout.filters
    logs._records.handlers, logs._records.filters, logs._stdout.filters = [logs._stdout], [], []
    try:
        yield
    finally:
        logs._records.handlers, logs._records.filters, logs._stdout.filters = handlers, filters, stdout_filters


@pytest.fixture
def stdout_lines() -> Iterator[io.StringIO]:
    """The production handler's stream, swapped for a string while the test runs."""
    stream = io.StringIO()
    previous = logs._stdout.setStream(stream)
    try:
        yield stream
    finally:
        logs._stdout.setStream(previous)


def _hook_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if line.get("source") == "hook"]


def test_the_line_written_without_a_record_is_the_line_written_through_one(
    tmp_path: Path, stdout_lines: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[logging.LogRecord] = []
    make_record = logs._records.makeRecord
    monkeypatch.setattr(logs._records, "makeRecord", lambda *args: made.append(make_record(*args)) or made[-1])
    function = hook_from_source(tmp_path, "settings", SOURCE)
    with only_stdout():
        call_hook(function, {"request": {"user": KELLY}})  # nothing listens but stdout: no record
        logs._records.addFilter(_pass)
        try:
            call_hook(function, {"request": {"user": KELLY}})  # a filter listens: through the records
        finally:
            logs._records.removeFilter(_pass)

    direct, recorded = _hook_lines(stdout_lines)
    assert len(made) == 1  # only the second line was a record
    assert list(direct) == list(recorded)
    assert {k: v for k, v in direct.items() if k not in PER_INVOCATION} == {
        k: v for k, v in recorded.items() if k not in PER_INVOCATION
    }
    assert "tok-XYZZY" not in stdout_lines.getvalue()  # redacted on both paths
    assert direct["location"] == "hook:3"


def test_a_handler_added_to_the_logger_gets_the_hooks_line(tmp_path: Path, stdout_lines: io.StringIO) -> None:
    added = io.StringIO()
    handler = logging.StreamHandler(added)
    handler.setFormatter(logs.logger.registered_formatter)
    with only_stdout():
        logs._records.addHandler(handler)
        try:
            call_hook(hook_from_source(tmp_path, "settings", SOURCE), {"request": {"user": KELLY}})
        finally:
            logs._records.removeHandler(handler)

    assert len(_hook_lines(added)) == len(_hook_lines(stdout_lines)) == 1


def test_records_are_not_handed_up_to_the_root_loggers_handlers(tmp_path: Path, stdout_lines: io.StringIO) -> None:
    # In Lambda the runtime's root handler would only drop them (Powertools filters this logger's
    # records out of it); anywhere else it would write each line a second time.
    root_stream = io.StringIO()
    root_handler = logging.StreamHandler(root_stream)
    logging.getLogger().addHandler(root_handler)
    try:
        with only_stdout():
            call_hook(hook_from_source(tmp_path, "settings", SOURCE), {"request": {"user": KELLY}})
            logs.logger.info("a runtime record")
    finally:
        logging.getLogger().removeHandler(root_handler)

    assert root_stream.getvalue() == ""
    assert len(_hook_lines(stdout_lines)) == 1


def test_a_record_factory_of_its_own_gets_every_line_as_a_record(tmp_path: Path, stdout_lines: io.StringIO) -> None:
    # Tracing instrumentation (OpenTelemetry's, say) sets a factory whose records carry trace ids.
    def traced(*args: Any, **kwargs: Any) -> logging.LogRecord:
        made = logging.LogRecord(*args, **kwargs)
        made.trace_id = "1-5759e988-bd862e3fe1be46a994272793"
        return made

    logging.setLogRecordFactory(traced)
    try:
        with only_stdout():
            call_hook(hook_from_source(tmp_path, "settings", SOURCE), {"request": {"user": KELLY}})
    finally:
        logging.setLogRecordFactory(logging.LogRecord)

    (line,) = _hook_lines(stdout_lines)
    assert line["trace_id"] == "1-5759e988-bd862e3fe1be46a994272793"


def test_append_key_sets_the_key_logger_append_keys_sets() -> None:
    before = dict(logs.logger.get_current_keys())
    try:
        logs.append_key("actor", "kelly")
        via_logs = dict(logs.logger.get_current_keys())
        logs.logger.remove_keys(["actor"])
        logs.logger.append_keys(actor="kelly")
        assert via_logs == logs.logger.get_current_keys()
        assert list(via_logs) == list(logs.logger.get_current_keys())
        assert via_logs["actor"] == "kelly"
    finally:
        logs.logger.remove_keys(["actor"])
        logs.logger.append_keys(**before)


class _Stream(io.StringIO):
    """A stream that notes whether the handler's lock was held while it was written, or refuses to be."""

    def __init__(self, *, fails: bool = False) -> None:
        super().__init__()
        self.fails = fails
        self.locked: list[bool] = []

    def write(self, text: str) -> int:
        self.locked.append(logs._stdout.lock._is_owned())  # type: ignore[union-attr]
        if self.fails:
            raise OSError("the pipe is gone")
        return super().write(text)


def test_a_line_is_written_under_the_handlers_lock_and_a_failed_write_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    function = hook_from_source(tmp_path, "settings", SOURCE)
    for stream in (_Stream(), _Stream(fails=True)):
        previous = logs._stdout.setStream(stream)
        try:
            with only_stdout():
                status, _ = call_hook(function, {"request": {"user": KELLY}})
        finally:
            logs._stdout.setStream(previous)

        assert status == 200  # a log that cannot be written never fails the hook
        assert stream.locked == [True]
    assert "the pipe is gone" in capsys.readouterr().err  # logging's own report of the failed write
