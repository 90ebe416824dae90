"""The log records of the cheaper path are Powertools' records: the same keys, in the same order,
with the same values, compared record by record.

`LeanFormatter` against Powertools' `LambdaPowertoolsFormatter` (the same serializer, so the text
must be equal), over records of every shape the runtime and the hooks write and over generated
ones; and `with_invocation_context` against Powertools' `inject_lambda_context` over whole
invocations.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import io
import json
import logging
import math
import os
import uuid
from typing import TYPE_CHECKING, Any
from unittest import mock

import pytest
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter, clear_context_keys
from hypothesis import example, given
from hypothesis import strategies as st

from dahooks import logs
from dahooks.log_format import Cleaning, LeanFormatter
from local.lambda_runtime import LambdaContext
from local.testing import load_event

if TYPE_CHECKING:
    from collections.abc import Iterator

CREATED = 1796144371.5  # a fixed clock: both formatters see the same record
INVOCATION_KEYS = {
    "service": "delegated-admin-hooks",
    "sampling_rate": None,
    "cold_start": False,
    "function_name": "AccessFunction",
    "function_memory_size": 256,
    "function_arn": "arn:aws:lambda:us-east-1:123456789012:function:AccessFunction",
    "function_request_id": "03f1f000-84de-4a89-83bc-2fce4bbe0c6d",
    "correlation_id": "c2VjcmV0LXJlcXVlc3Q=",
    "hook": "access",
}
_records = logging.getLogger("test-log-format")
powertools_logger = importlib.import_module("aws_lambda_powertools.logging.logger")


def record(
    message: object = "Verifying access: Finance Finance",
    args: tuple[Any, ...] = (),
    *,
    extra: dict[str, Any] | None = None,
    exc_info: Any = None,
    created: float = CREATED,
    level: int = logging.INFO,
) -> logging.LogRecord:
    made = _records.makeRecord(_records.name, level, "/var/task/hook.py", 26, message, args, exc_info, "hook", extra)
    made.created, made.msecs = created, (created - int(created)) * 1000
    return made


def formatters(**options: Any) -> tuple[LambdaPowertoolsFormatter, LeanFormatter]:
    """Powertools' formatter and ours, with the same serializer, options and keys; ours as the
    runtime makes it, leaving the keys whose value is None to the serializer to drop, and cleaning
    a line without a record as it builds it."""
    powertools = LambdaPowertoolsFormatter(json_serializer=logs._CLEANING.serialize, **options)
    lean = logs.lean_formatter(**options)
    for formatter in (powertools, lean):
        formatter.append_keys(**INVOCATION_KEYS)
    return powertools, lean


@pytest.fixture(autouse=True)
def _no_thread_keys() -> Iterator[None]:
    clear_context_keys()
    yield
    clear_context_keys()


def assert_same(powertools: logging.Formatter, lean: logging.Formatter, *records: logging.LogRecord) -> None:
    for each in records:
        expected = powertools.format(each)
        assert lean.format(each) == expected
        assert list(json.loads(lean.format(each))) == list(json.loads(expected))  # the same keys in order


@pytest.mark.parametrize(
    "message",
    [
        "Verifying access: Finance Finance",
        "",
        '{"a": 1, "password": "pw-XYZZY"}',  # JSON text: Powertools logs it parsed
        "  [1, 2]",
        '"quoted"',
        "12",
        "-3.5",
        "true",
        "null",
        "NaN",
        "Infinity",
        "nul",
        "{not json",
        "\ufeff{}",
        {"dict": "as is"},
        42,
        ["a", 1],
        None,
    ],
)
def test_a_message_is_written_as_powertools_writes_it(message: object) -> None:
    assert_same(*formatters(), record(message))


def test_a_message_with_arguments_is_formatted_as_powertools_formats_it() -> None:
    assert_same(*formatters(), record("%s of %d", ("one", 2)), record('{"%s": 1}', ("key",)))


@pytest.mark.parametrize(
    "extra",
    [
        {"source": "hook", "hook": "access"},
        {"status": 403, "reason": "Bearer tok-XYZZY refused"},
        {"exception": "given", "exception_name": "Given", "exception_notes": ["a"]},
        {"stack_trace": "overwritten, then dropped", "xray_trace_id": "overwritten"},
        {"correlation_id": "an extra wins over the key"},
        {"none": None, "nested": {"password": "pw-XYZZY", "list": [1, {"otp": 2}]}},
    ],
)
def test_extra_keys_follow_the_logger_keys_as_in_powertools(extra: dict[str, Any]) -> None:
    assert_same(*formatters(), record(extra=extra))


def test_with_a_serializer_that_keeps_none_the_formatter_drops_the_none_keys_itself() -> None:
    def plain(log: dict[str, Any]) -> str:  # keeps every key it is given
        return json.dumps(log, default=str, separators=(",", ":"))

    powertools = LambdaPowertoolsFormatter(json_serializer=plain)
    lean = LeanFormatter(json_serializer=plain)  # no cleaning: the formatter drops the Nones
    for formatter in (powertools, lean):
        formatter.append_keys(**INVOCATION_KEYS, dropped=None)
    made = record("kept", extra={"none": None, "kept": 1})

    assert '"none"' not in lean.format(made)
    assert_same(powertools, lean, made)


def test_thread_keys_after_the_logger_keys_as_in_powertools() -> None:
    powertools, lean = formatters()
    powertools.thread_safe_append_keys(thread="worker-1", hook="filter", level="%(levelname)s")

    assert_same(powertools, lean, record(extra={"x": 1}))


def test_keys_that_format_record_attributes_as_in_powertools() -> None:
    powertools, lean = formatters()
    for formatter in (powertools, lean):
        formatter.append_keys(process="%(process)d", name="logger %(name)s", location="%(module)s#%(lineno)d")

    assert_same(powertools, lean, record())


def test_a_key_that_overrides_a_record_attribute_with_no_text_fails_in_both() -> None:
    powertools, lean = formatters()
    for formatter in (powertools, lean):
        formatter.append_keys(process=1234)

    for formatter in (powertools, lean):
        with pytest.raises(ValueError, match="need to be type 'str'"):
            formatter.format(record())


def test_removed_and_disabled_keys_as_in_powertools() -> None:
    powertools, lean = formatters()
    for formatter in (powertools, lean):
        formatter.remove_keys(["location", "hook"])
        formatter.append_keys(xray_trace_id=None)  # the trace id switched off

    assert_same(powertools, lean, record())


def test_a_record_with_an_exception_is_powertools_own() -> None:
    try:
        raise KeyError("user")
    except KeyError as error:
        error.add_note("while reading the payload")
        exc_info = (type(error), error, error.__traceback__)
    powertools, lean = formatters()

    assert_same(powertools, lean, record("the hook raised", exc_info=exc_info, level=logging.ERROR))


def test_the_trace_id_is_read_for_each_record(monkeypatch: pytest.MonkeyPatch) -> None:
    powertools, lean = formatters()
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
    assert_same(powertools, lean, record())
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-00000000-000000000000000000000001")
    assert_same(powertools, lean, record())


@pytest.mark.parametrize(
    "created",
    [
        # Within one second, the next second, a second back (records reach a handler out of order
        # from several threads), and the last millisecond of a second.
        [CREATED, CREATED + 0.25, CREATED + 1.1, CREATED - 1.0, 1796144371.9999],
    ],
)
@pytest.mark.parametrize(
    "options",
    [{}, {"utc": True}, {"datefmt": "%d/%m/%Y %H:%M:%S.%F"}, {"use_rfc3339": True}],
    ids=["default", "utc", "datefmt", "rfc3339"],
)
def test_timestamps_are_powertools_text_second_after_second(created: list[float], options: dict[str, Any]) -> None:
    powertools, lean = formatters(**options)

    assert_same(powertools, lean, *(record(created=each) for each in created))


def test_the_stack_trace_key_follows_the_option() -> None:
    assert_same(*formatters(serialize_stacktrace=False), record(extra={"stack_trace": "kept"}))


JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.text(max_size=20))
VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
EXTRA_NAMES = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
    lambda name: (
        name not in logging.LogRecord("n", 0, "p", 0, "m", (), None).__dict__ and name not in ("message", "asctime")
    )
)


@given(
    message=st.one_of(st.text(max_size=40), VALUES.map(json.dumps), VALUES),
    extra=st.dictionaries(EXTRA_NAMES, VALUES, max_size=4),
    created=st.floats(1.5e9, 2.5e9),
)
def test_generated_records_are_powertools_records(message: object, extra: dict[str, Any], created: float) -> None:
    assert_same(*formatters(), record(message, extra=extra, created=created))


# ---------------------------------------------------------------- whole invocations


class _Capture:
    """A Powertools Logger of its own, writing to a string, and its records as dicts."""

    def __init__(self, logger: Logger, stream: io.StringIO) -> None:
        self.logger, self.stream = logger, stream

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line]


@pytest.fixture
def powertools_reference() -> _Capture:
    stream = io.StringIO()
    # A service of its own each time: a Logger of a known name reuses the handler (and stream) it had.
    reference = Logger(service=f"reference-{uuid.uuid4()}", json_serializer=logs._CLEANING.serialize, stream=stream)
    return _Capture(reference, stream)


def _write(logger: Logger) -> None:
    logger.info("inside", extra={"source": "hook"})  # one line, one location, for both loggers


def _same_but_time(ours: list[dict[str, Any]], reference: list[dict[str, Any]]) -> None:
    """The records agree key for key, in order; the timestamps (milliseconds apart) and the
    service (each logger its own) aside."""
    assert len(ours) == len(reference)
    for mine, theirs in zip(ours, reference, strict=True):
        assert list(mine) == list(theirs)
        for key in ("timestamp", "service"):
            mine.pop(key), theirs.pop(key)
        assert mine == theirs


@pytest.mark.parametrize(
    ("http_api", "event"),
    [
        (True, load_event("access-read-user-own-department.json")),
        (True, {"requestContext": "not a mapping"}),
        (True, ["not", "a", "mapping"]),
        (False, load_event("sqs-registration-new-user.json")),
    ],
    ids=["api", "odd-context", "odd-event", "sqs"],
)
def test_invocation_keys_are_inject_lambda_context_keys(
    monkeypatch: pytest.MonkeyPatch, powertools_reference: _Capture, captured_logs: Any, http_api: bool, event: Any
) -> None:
    monkeypatch.setattr(powertools_logger, "is_cold_start", True)
    monkeypatch.setattr(logs, "_cold_start", [True])
    reference = powertools_reference.logger
    context = LambdaContext(function_name="AccessFunction", memory_limit_in_mb=256, timeout=3.0)

    def theirs(event: Any, context: Any) -> None:
        reference.append_keys(hook="access")
        _write(reference)

    def mine(event: Any, context: Any) -> None:
        _write(logs.logger)

    wrapped_theirs = reference.inject_lambda_context(
        correlation_id_path=correlation_paths.API_GATEWAY_HTTP if http_api else None, clear_state=True
    )(theirs)
    wrapped_mine = logs.with_invocation_context(mine, http_api=http_api, keys={"hook": "access"})
    for _ in range(2):  # a cold start, then a warm one
        wrapped_theirs(event, context)
        wrapped_mine(event, context)

    records = captured_logs.records
    _same_but_time(records, powertools_reference.records())
    assert [r["cold_start"] for r in records] == [True, False]


def test_an_environment_started_ahead_has_no_cold_start(
    monkeypatch: pytest.MonkeyPatch, powertools_reference: _Capture, captured_logs: Any
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency")
    monkeypatch.setattr(powertools_logger, "is_cold_start", True)
    monkeypatch.setattr(logs, "_cold_start", [True])
    context = LambdaContext(function_name="AccessFunction", memory_limit_in_mb=256, timeout=3.0)

    logs.with_invocation_context(lambda event, context: logs.logger.info("x"))({}, context)
    powertools_reference.logger.inject_lambda_context(lambda event, context: powertools_reference.logger.info("x"))(
        {}, context
    )

    theirs = [r["cold_start"] for r in powertools_reference.records()]
    assert [r["cold_start"] for r in captured_logs.records] == theirs == [False]


def test_the_last_invocation_keys_are_gone(captured_logs: Any) -> None:
    context = LambdaContext(function_name="AccessFunction", memory_limit_in_mb=256, timeout=3.0)

    def first(event: Any, context: Any) -> None:
        logs.logger.append_keys(actor="kelly")
        logs._formatter.thread_safe_append_keys(batch="one")

    logs.with_invocation_context(first)({}, context)
    logs.with_invocation_context(lambda event, context: logs.logger.info("second"))({}, context)

    (second,) = captured_logs.records
    assert "actor" not in second
    assert "batch" not in second


# ---------------------------------------------------------------- the records' text


FINITE_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**64 - 1), st.floats(allow_nan=False, allow_infinity=False)
)
FINITE_VALUES = st.recursive(
    FINITE_LEAVES | st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.integers(-3, 3) | st.booleans(), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(FINITE_VALUES)
def test_orjson_text_holds_what_the_standard_text_holds(value: Any) -> None:
    assert json.loads(logs._dumps(value)) == json.loads(logs._standard_dumps(value))


@pytest.mark.parametrize(
    "value",
    [
        {"big": 2**70, "small": 1},  # beyond 64 bits: orjson refuses it
        {"text": "lone \ud800 surrogate"},  # not UTF-8: orjson refuses it
        {(1, 2): "a tuple key"},  # neither takes it
    ],
    ids=["big-int", "surrogate", "tuple-key"],
)
def test_what_orjson_refuses_is_written_by_the_standard_encoder(value: Any) -> None:
    try:
        expected = logs._standard_dumps(value)
    except TypeError:
        with pytest.raises(TypeError):
            logs._dumps(value)
    else:
        assert logs._dumps(value) == expected


def test_what_json_cannot_hold_is_its_text_redacted_as_before() -> None:
    when = datetime.datetime(2026, 12, 1, 13, 0, tzinfo=datetime.UTC)

    @dataclasses.dataclass
    class Secretive:
        password: str

    value = {"when": when, "object": Secretive("pw-XYZZY"), "set": {"Bearer tok-XYZZY"}}

    assert logs._dumps(value) == logs._standard_dumps(value)
    assert "XYZZY" not in logs._dumps(value)


def test_a_nan_is_null_not_the_standard_encoders_nan() -> None:
    assert logs._dumps({"ratio": math.nan, "limit": math.inf}) == '{"ratio":null,"limit":null}'
    assert logs._standard_dumps({"ratio": math.nan}) == '{"ratio":NaN}'  # not JSON: no query reads it


# ---------------------------------------------------------------- a line without a LogRecord


def record_at(created_ns: int, message: str, extra: dict[str, Any]) -> logging.LogRecord:
    """`record(...)` made at `created_ns`, its time attributes as logging sets them from `time.time_ns()`."""
    made = record(message, extra=extra)
    made.created, made.msecs = created_ns / 1e9, created_ns % 1_000_000_000 // 1_000_000 + 0.0
    return made


def assert_same_text(
    powertools: logging.Formatter, lean: LeanFormatter, message: str, extra: dict[str, Any], created_ns: int
) -> None:
    """`format_text` writes Powertools' record, or declines (None) exactly for a message that may be JSON."""
    text = lean.format_text("INFO", "hook", 26, created_ns, message, extra)
    may_be_json = message.lstrip(" \t\n\r")[:1] in set('{["-0123456789tfnNI')
    assert (text is None) == may_be_json, message
    if text is not None:
        assert text == powertools.format(record_at(created_ns, message, extra))


CREATED_NS = 1796144371_500_000_000


@pytest.mark.parametrize("message", ["Verifying access: Finance Finance", "", "nul", "{not json", "12", "  [1, 2]"])
@pytest.mark.parametrize("extra", [{}, {"source": "hook", "hook": "write"}, {"reason": "Bearer tok-XYZZY"}])
def test_a_line_without_a_record_is_powertools_record(message: str, extra: dict[str, Any]) -> None:
    assert_same_text(*formatters(), message, extra, CREATED_NS)


@given(
    message=st.text(max_size=40),
    extra=st.dictionaries(EXTRA_NAMES, VALUES, max_size=4),
    created_ns=st.integers(1_500_000_000 * 10**9, 2_500_000_000 * 10**9),
)
def test_generated_lines_without_a_record_are_powertools_records(
    message: str, extra: dict[str, Any], created_ns: int
) -> None:
    assert_same_text(*formatters(), message, extra, created_ns)


def test_a_line_without_a_record_has_the_thread_keys_and_the_last_millisecond_of_a_second() -> None:
    powertools, lean = formatters()
    powertools.thread_safe_append_keys(thread="worker-1", hook="filter")

    assert_same_text(powertools, lean, "inside", {"x": 1}, 1796144371_999_999_999)


@pytest.mark.parametrize(
    ("options", "keys"),
    [
        ({}, {"process": "%(process)d"}),
        ({"datefmt": "%d/%m/%Y %H:%M:%S.%F"}, {}),
        ({"use_rfc3339": True}, {}),
    ],
    ids=["own-key", "datefmt", "rfc3339"],
)
def test_only_a_record_will_do_for_its_other_attributes_and_other_date_formats(
    options: dict[str, Any], keys: dict[str, Any]
) -> None:
    _, lean = formatters(**options)
    lean.append_keys(**keys)

    assert lean.format_text("INFO", "hook", 26, CREATED_NS, "inside", {}) is None


# Logger keys a line's keys may collide with: the runtime's, a secret's, a record attribute's,
# and those a line sets itself; each set to a value, to None, or removed between lines.
RECORD_ATTRIBUTE_KEYS = ["level", "location", "timestamp", "name", "process"]
LOGGER_KEYS = st.sampled_from(
    ["correlation_id", "sampling_rate", "actor", "password", "hook", "note", "message", "stack_trace"]
    + ["xray_trace_id", *RECORD_ATTRIBUTE_KEYS]
)
# A line's values: what matters to its keys is None or not, and a secret inside.
LINE_VALUES = JSON_LEAVES | st.dictionaries(st.sampled_from(["password", "name"]), JSON_LEAVES, max_size=2)
# Powertools' own values of the keys named like a record's attributes (filled in without a record)...
DEFAULT_FORMATS = ["%(levelname)s", "%(funcName)s:%(lineno)d", "%(asctime)s"]
# ... and others: a text Powertools formats against the record (only a record will do: the line
# falls back to it), or one that formats nothing (written as it is). Text: Powertools refuses
# anything else for these keys, and so the line falls back to the record's path, which refuses it too.
FORMATS = st.none() | st.sampled_from([*DEFAULT_FORMATS, "%(process)d", "logger %(name)s", "%%"]) | st.text(max_size=10)
LOGGER_KEY_VALUES = LOGGER_KEYS.flatmap(
    lambda key: st.tuples(st.just(key), FORMATS if key in RECORD_ATTRIBUTE_KEYS else LINE_VALUES)
)
# A line's own keys: not named like a record's attributes or like the keys a line sets last, which
# take the record's path (other tests compare those).
LINE_EXTRA_NAMES = EXTRA_NAMES.filter(lambda name: name not in (*RECORD_ATTRIBUTE_KEYS, "stack_trace", "xray_trace_id"))
LINE_CHANGES = st.tuples(
    st.lists(LOGGER_KEY_VALUES, max_size=4).map(dict),  # logger keys appended before the line
    st.lists(LOGGER_KEYS, max_size=2),  # and removed
    st.dictionaries(
        LINE_EXTRA_NAMES | st.sampled_from(["hook", "source", "correlation_id", "token", "note"]),
        LINE_VALUES,
        max_size=3,
    ),
    st.text(max_size=30).filter(lambda message: message.lstrip(" \t\n\r")[:1] not in set('{["-0123456789tfnNI')),
    st.booleans(),  # whether the line has a trace header
)
TRACE_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


# The messages of the explicit lines cannot be JSON ("first" could: `false`), so that the lines are compared.
@given(lines=st.lists(LINE_CHANGES, min_size=1, max_size=4), serialize_stacktrace=st.booleans())
@example(  # a key the last line's plan did not have: a secret's, to be redacted
    lines=[({}, [], {}, "a line", True), ({"password": "pw-XYZZY"}, [], {}, "another", True)], serialize_stacktrace=True
)
@example(  # the same keys, one of them None now: left out
    lines=[({"note": "x"}, [], {}, "a line", False), ({"note": None}, [], {}, "another", False)],
    serialize_stacktrace=True,
)
@example(  # the same keys, None in the last line's plan and a value now: written, a secret's redacted
    lines=[
        ({"password": None, "note": None}, [], {}, "a line", False),
        ({"password": "pw-XYZZY", "note": "x"}, [], {}, "another", False),
    ],
    serialize_stacktrace=True,
)
@example(lines=[({"stack_trace": "set by hand"}, [], {}, "a line", True)], serialize_stacktrace=True)  # never written
@example(  # keys named like a record's attributes, holding Powertools' formats of other keys: filled in
    lines=[
        ({"name": "%(levelname)s", "process": "%(asctime)s"}, [], {}, "a line", False),
        ({"name": "%(funcName)s:%(lineno)d", "level": ""}, [], {}, "another", False),
    ],
    serialize_stacktrace=False,
)
@example(  # a format of another attribute: only the record will do, for this line and not the next
    lines=[({"process": "%(process)d"}, [], {}, "a line", False), ({"process": "pid"}, [], {}, "another", False)],
    serialize_stacktrace=True,
)
def test_lines_one_after_another_as_the_keys_change_are_powertools_records(
    lines: list[tuple[dict[str, Any], list[str], dict[str, Any], str, bool]], serialize_stacktrace: bool
) -> None:
    # One formatter for every line: the plan made for one line's keys serves the next only when
    # the keys are the same, whatever their values (None now, a value then) and whatever the order.
    powertools, lean = formatters(serialize_stacktrace=serialize_stacktrace)
    with mock.patch.object(lean, "_planned_line", wraps=lean._planned_line) as planned:
        for appended, removed, extra, message, traced in lines:
            for formatter in (powertools, lean):
                formatter.append_keys(**appended)
                formatter.remove_keys(removed)
            # Only a text that formats a record's attribute other than Powertools' own needs the record.
            needs_record = any(
                isinstance(value, str) and "%" in value and value not in DEFAULT_FORMATS
                for key, value in lean.log_format.items()
                if key in RECORD_ATTRIBUTE_KEYS
            )
            with mock.patch.dict(os.environ, {"_X_AMZN_TRACE_ID": TRACE_HEADER} if traced else {}, clear=False):
                if not traced:
                    os.environ.pop("_X_AMZN_TRACE_ID", None)
                text = lean.format_text("INFO", "hook", 26, CREATED_NS, message, extra)
                assert (text is None) == needs_record, lean.log_format
                if text is not None:
                    assert text == powertools.format(record_at(CREATED_NS, message, extra))
    assert planned.call_count == len(lines)  # each line built by the plan, none on the general path


def test_extra_keys_named_like_the_records_own_are_left_out_without_a_record_too() -> None:
    assert_same_text(*formatters(), "inside", {"level": None, "timestamp": "mine", "x": 1}, CREATED_NS)


class Uncomparable:
    """A logged value that refuses to be compared: Powertools only asks whether it `is` None."""

    def __eq__(self, other: object) -> bool:
        raise AssertionError("compared")

    __hash__ = object.__hash__

    def __str__(self) -> str:
        return "uncomparable"


def test_a_value_that_refuses_to_be_compared_is_written_as_powertools_writes_it() -> None:
    powertools, lean = formatters()
    for formatter in (powertools, lean):
        formatter.append_keys(held=Uncomparable())

    assert_same_text(powertools, lean, "inside", {"given": Uncomparable()}, CREATED_NS)


def test_a_formatter_made_with_a_cleaning_writes_by_it_with_or_without_a_record() -> None:
    # Not the runtime's rule: the formatter's serializer is its cleaning's, so the two paths agree.
    cleaning = Cleaning(
        as_is=frozenset({"level", "location", "timestamp"}),
        is_sensitive=lambda key: key == "pin",
        replacement="<hidden>",
        redact=lambda value: f"<{value}>" if isinstance(value, str) else value,
        dumps=lambda log: json.dumps(log, sort_keys=True),
    )
    lean = LeanFormatter(cleaning=cleaning)
    lean.append_keys(pin="1234", note="kept", gone=None)

    text = lean.format_text("INFO", "hook", 26, CREATED_NS, "inside", {"given": "x"})

    assert text == lean.format(record_at(CREATED_NS, "inside", {"given": "x"}))
    assert json.loads(text or "") == {
        "level": "INFO",
        "location": "hook:26",
        "message": "<inside>",
        "timestamp": lean.formatTime(record_at(CREATED_NS, "inside", {})),
        "pin": "<hidden>",
        "note": "<kept>",
        "given": "<x>",
    }


def test_a_formatter_takes_a_serializer_or_a_cleaning_not_both() -> None:
    with pytest.raises(TypeError, match="not both"):
        LeanFormatter(json_serializer=json.dumps, cleaning=logs._CLEANING)
