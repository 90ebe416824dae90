"""Powertools' JSON log formatter, the same records for less work each.

`LambdaPowertoolsFormatter.format` copies the whole LogRecord, formats its `%(...)s` keys against
that copy, tries to parse every message as JSON, and formats the time with strftime: about half of
what a `ctx.log` line costs. `LeanFormatter` writes the same keys in the same order with the same
values (a unit test compares the two record by record), but reads the record's attributes
directly, formats the time's fixed part once a second, and parses a message as JSON only when its
first character can start a JSON document. Anything unusual (a custom `%(...)s` key, a date
format, exceptions) goes through Powertools' own code.

A formatter made with a `Cleaning` (the runtime's) serializes by that rule, and cleans a line without a
record (`format_text`, a hook's `ctx.log`) by it as it builds the line: the keys are copied whole, and
only a few are looked at one by one. Which ones (to fill in, to leave out, to redact) the plan says,
kept for the last set of key names.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools.logging.formatter import RESERVED_LOG_ATTRS, THREAD_LOCAL_KEYS, LambdaPowertoolsFormatter

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Iterable

_RESERVED = frozenset(RESERVED_LOG_ATTRS)
# Powertools' default `%(...)s` keys, produced here without formatting against a copy of the record.
_LEVEL = "%(levelname)s"
_LOCATION = "%(funcName)s:%(lineno)d"
_TIMESTAMP = "%(asctime)s"
# What json.loads accepts a document starting with (after whitespace): an object, an array, a
# string, a number, true/false/null, NaN and Infinity.
_JSON_START = frozenset('{["-0123456789tfnNI')
_JSON_WHITESPACE = " \t\n\r"
# The milliseconds of a time as `f"{ms:03d}"` writes them: a lookup, not a format spec read per line.
_MILLISECONDS = tuple(f"{milliseconds:03d}" for milliseconds in range(1000))
# The keys a line sets after its extra keys: its message, the stack trace (None when the option is
# on: never written) and the trace id. An extra key of one of these names, or of a record's own
# attributes, takes the record's path.
_SET_LAST = frozenset({"message", "stack_trace", "xray_trace_id"})
_NOT_PLAIN = _RESERVED | _SET_LAST


@dataclass(frozen=True)
class Cleaning:
    """How a log is written: the keys whose value is None left out, the others' values cleaned
    (secrets redacted), then `dumps`: `serialize`.

    Given to `LeanFormatter`, it is both the formatter's serializer and the rule by which a line
    without a record is cleaned as it is built: one source, so the two paths cannot disagree."""

    as_is: frozenset[str]  # keys whose values are written as they are
    is_sensitive: Callable[[Any], bool]  # a key whose value is written as `replacement`
    replacement: Any
    redact: Callable[[Any], Any]  # what is written for the value of any other key
    dumps: Callable[[dict[str, Any]], str]  # the JSON text of a cleaned log

    def cleaned(self, log: dict[str, Any]) -> dict[str, Any]:
        """`log` without its None keys, the values of the keys not `as_is` cleaned."""
        as_is, is_sensitive, replacement, redact = self.as_is, self.is_sensitive, self.replacement, self.redact
        return {
            key: value if key in as_is else replacement if is_sensitive(key) else redact(value)
            for key, value in log.items()
            if value is not None
        }

    def serialize(self, log: dict[str, Any]) -> str:
        """The JSON text of `log` cleaned."""
        return self.dumps(self.cleaned(log))


@dataclass(frozen=True)
class _Plan:
    """The keys of a line that `_planned_line` looks at one by one, for lines of the same keys."""

    keys: frozenset[Any]
    reserved: tuple[Any, ...]  # named like a record's attributes: Powertools' `%(...)s` keys
    none: tuple[Any, ...]  # None when the plan was made: left out (the others are checked in one step)
    cleaned: tuple[tuple[Any, bool], ...]  # not written as they are; True: replaced whole

    @classmethod
    def of(cls, cleaning: Cleaning, line: dict[str, Any]) -> _Plan:
        return cls(
            keys=frozenset(line),
            reserved=tuple([key for key in line if key in _RESERVED]),
            none=tuple([key for key, value in line.items() if value is None]),
            cleaned=tuple([(key, cleaning.is_sensitive(key)) for key in line if key not in cleaning.as_is]),
        )


class LeanFormatter(LambdaPowertoolsFormatter):
    """A `LambdaPowertoolsFormatter` whose records cost less to format; the same output."""

    # The time's text but its milliseconds, and the second it is for: one tuple, replaced whole, so
    # that a record formatted on another thread never pairs one second's number with another's text.
    _second_text: tuple[int, str, str] = (-1, "", "")

    def __init__(
        self,
        json_serializer: Callable[[dict[str, Any]], str] | None = None,
        *,
        cleaning: Cleaning | None = None,
        **options: Any,
    ) -> None:
        """`cleaning`, in place of a `json_serializer`: the serializer is `cleaning.serialize`, which
        leaves out the keys whose value is None itself (a record is then not copied once more to
        drop them, as Powertools does before serializing), and `format_text` builds a line cleaned
        by the same rule as it goes."""
        if cleaning is not None:
            if json_serializer is not None:
                raise TypeError("LeanFormatter: a json_serializer or a cleaning (which serializes), not both")
            json_serializer = cleaning.serialize
        super().__init__(json_serializer=cast("Callable[[Any], str] | None", json_serializer), **options)
        # The keys `clear_state()` leaves, from the record order and default keys the formatter is
        # made with (Powertools sets neither again): made once, half of what starting an invocation took.
        self._cleared_keys = {**dict.fromkeys(self.log_record_order), **self.keys_combined}
        self.cleaning = cleaning
        # The plan of the last line: a function's `ctx.log` lines have the same keys, invocation
        # after invocation (one plan at a time, replaced whole: safe from any thread).
        self._last_plan: _Plan | None = None

    def start_invocation(self, keys: dict[str, Any], more_keys: dict[str, Any] | None = None) -> None:
        """`clear_state()`, `thread_safe_clear_keys()` and `append_keys(**keys, **more_keys)` in one
        step: the keys of a new invocation, and none of the last one's."""
        self.log_format = {**self._cleared_keys, **keys, **(more_keys or {})}
        # `thread_safe_clear_keys()`'s own step, without its two calls down to it.
        THREAD_LOCAL_KEYS.set({})

    def format(self, record: logging.LogRecord) -> str:  # noqa: A003 - logging's name
        if record.exc_info:
            return super().format(record)  # tracebacks are rare: Powertools' own code, all of it
        formatted = self._keys()
        self._fill_in(  # with a record, every key can be filled in: True
            formatted,
            _RESERVED.intersection(formatted),
            level=record.levelname,
            location=f"{record.funcName}:{record.lineno}",
            second=int(record.created),
            millisecond=int(record.msecs),
            record=record,
        )
        for key, value in record.__dict__.items():
            if key not in _RESERVED:
                formatted[key] = value
        return self._finish(formatted, self._message(record))

    def format_text(
        self, level: str, function: str, line: int, created_ns: int, message: str, extra: dict[str, Any]
    ) -> str | None:
        """What `format` writes for a record of these values (a text message without arguments,
        `extra` its own keys, `created_ns` its `time.time_ns()`), without making the record; None
        when only a record will do: a message that may be JSON text, a key that formats another of
        the record's attributes, a date format of one's own."""
        if not self._cannot_be_json(message):
            return None
        # As a LogRecord has them: the second from the time as a float, the milliseconds from the integer.
        second, millisecond = int(created_ns / 1e9), created_ns % 1_000_000_000 // 1_000_000
        location = f"{function}:{line}"
        if self.cleaning is not None and not THREAD_LOCAL_KEYS.get() and _NOT_PLAIN.isdisjoint(extra):
            return self._planned_line(
                self.cleaning, message, extra, level=level, location=location, second=second, millisecond=millisecond
            )
        formatted = self._keys()
        if not self._fill_in(
            formatted,
            _RESERVED.intersection(formatted),
            level=level,
            location=location,
            second=second,
            millisecond=millisecond,
            record=None,
        ):
            return None
        for key, value in extra.items():
            if key not in _RESERVED:  # as a record's: `level` or `timestamp` in `extra` is not written
                formatted[key] = value
        return self._finish(formatted, message)

    def _planned_line(
        self,
        cleaning: Cleaning,
        message: str,
        extra: dict[str, Any],
        *,
        level: str,
        location: str,
        second: int,
        millisecond: int,
    ) -> str | None:
        """`format_text`'s line, for a logger without this thread's keys and `extra` without the
        names a record treats apart (`_NOT_PLAIN`). Built as `_keys`, `_fill_in` and `_finish` build
        it (the logger's keys, `extra`'s in place or after them, the message, the trace id), but in
        whole-dict steps: the plan, kept for the last set of key names, lists which keys to fill in,
        leave out or clean, and only those are looked at one by one. Looking at every key, in
        Python, was most of a line's work. test_log_format compares the lines with Powertools' records."""
        line = {**self.log_format, **extra}
        line["message"] = message
        if self.serialize_stacktrace:
            line.pop("stack_trace", None)  # set to None by `_finish`: never written
        line["xray_trace_id"] = self._get_latest_trace_id()
        plan = self._last_plan
        if plan is None or line.keys() != plan.keys:  # a set's comparison: the order is the line's own
            plan = self._last_plan = _Plan.of(cleaning, line)
        if plan.reserved and not self._fill_in(
            line, plan.reserved, level=level, location=location, second=second, millisecond=millisecond, record=None
        ):
            return None
        for key in plan.none:
            if line[key] is None:
                del line[key]
        for value in line.values():  # `is`, not `None in`: a value's own `__eq__` may do anything, raise too
            if value is None:  # where the plan's line had a value: left out key by key
                line = {key: kept for key, kept in line.items() if kept is not None}
                break
        for key, sensitive in plan.cleaned:
            if key in line:
                line[key] = cleaning.replacement if sensitive else cleaning.redact(line[key])
        return cleaning.dumps(line)

    def _finish(self, formatted: dict[str, Any], message: Any) -> str:
        formatted["message"] = message
        # Set even when absent, as Powertools does, then dropped with the other Nones below.
        if self.serialize_stacktrace:
            formatted["stack_trace"] = None
        formatted["xray_trace_id"] = self._get_latest_trace_id()
        if self.cleaning is not None:  # its serializer leaves out the Nones
            return self.serialize(log=formatted)
        return self.serialize(log={key: value for key, value in formatted.items() if value is not None})

    def _keys(self) -> dict[str, Any]:
        """The logger's keys, then this thread's: copied whole, a single step."""
        formatted = dict(self.log_format)
        formatted.update(THREAD_LOCAL_KEYS.get())
        return formatted

    def _fill_in(
        self,
        line: dict[str, Any],
        keys: Iterable[Any],
        *,
        level: str,
        location: str,
        second: int,
        millisecond: int,
        record: logging.LogRecord | None,
    ) -> bool:
        """Powertools' values of `line`'s `keys`, those named like a record's attributes: `%(...)s`
        texts, formatted against the record. Its default ones (`%(levelname)s`, `%(funcName)s:%(lineno)d`,
        `%(asctime)s` in the default time format) are filled in from `level`, `location`, `second`
        and `millisecond`; any other is formatted against `record`. Without a record (None), False
        when one is needed: a text that formats another attribute, or a date format of one's own.

        Only these keys are looked at one by one: a loop over every key was most of a record's cost."""
        record_dict: dict[str, Any] | None = None
        for key in keys:
            value = line[key]
            if not value:
                continue  # written as it is (None: left out)
            if value == _LEVEL:
                line[key] = level
            elif value == _LOCATION:
                line[key] = location
            elif value == _TIMESTAMP and self._default_time_format():
                line[key] = self._default_time_text(second, millisecond)
            elif record is None:
                if not isinstance(value, str) or "%" in value:
                    return False
                # a text that formats nothing is itself, as `value % record_dict` would give it
            else:
                if not isinstance(value, str):
                    raise ValueError(
                        "Logging keys that override reserved log attributes need to be type 'str', "
                        f"instead got '{type(value).__name__}'"
                    )
                if record_dict is None:  # someone's own `%(...)s` key (or a date format): as Powertools formats it
                    record_dict = {**record.__dict__, "asctime": self.formatTime(record)}
                line[key] = value % record_dict
        return True

    def _message(self, record: logging.LogRecord) -> Any:
        """Powertools' message: parsed when it is JSON text, formatted with its args, else as it is."""
        message = record.msg
        if isinstance(message, str) and not record.args and self._cannot_be_json(message):
            return message
        return self._extract_log_message(log_record=record)

    def _cannot_be_json(self, message: str) -> bool:
        """True when Powertools would keep `message` as text: its deserializer is `json.loads`, which
        refuses the message at its first character."""
        return self.json_deserializer is json.loads and message.lstrip(_JSON_WHITESPACE)[:1] not in _JSON_START

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        if datefmt or not self._default_time_format():
            return super().formatTime(record, datefmt)
        return self._default_time_text(int(record.created), int(record.msecs))

    def _default_time_format(self) -> bool:
        return not (self.datefmt or self.use_rfc3339_iso8601 or self.use_datetime_directive)

    def _default_time_text(self, second: int, milliseconds: int) -> str:
        """The default format, '%Y-%m-%d %H:%M:%S,<ms>%z': everything but the milliseconds changes
        at most once a second."""
        cached, head, zone = self._second_text
        if second != cached:
            struct = self.converter(second)
            head, zone = time.strftime("%Y-%m-%d %H:%M:%S,", struct), time.strftime("%z", struct)
            self._second_text = (second, head, zone)
        # A record's milliseconds are 0-999; one set by hand to anything else is formatted as before.
        text = _MILLISECONDS[milliseconds] if 0 <= milliseconds < 1000 else f"{milliseconds:03d}"
        return f"{head}{text}{zone}"
