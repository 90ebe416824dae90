"""Powertools' JSON log formatter, the same records for less work each.

`LambdaPowertoolsFormatter.format` copies the whole LogRecord, formats its `%(...)s` keys against
that copy, tries to parse every message as JSON, and formats the time with strftime: about half of
what a `ctx.log` line costs. `LeanFormatter` writes the same keys in the same order with the same
values (a unit test compares the two record by record), but reads the record's attributes
directly, formats the time's fixed part once a second, and parses a message as JSON only when its
first character can start a JSON document. Anything unusual (a custom `%(...)s` key, a date
format, exceptions) goes through Powertools' own code.

A line without a record (`format_text`, a hook's `ctx.log`) is also cleaned as it is built, when the
formatter is given its serializer's rule (`Cleaning`): the keys are copied and filled in whole, and
only those a plan made for the line's set of keys names are looked at one by one.
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from aws_lambda_powertools.logging.formatter import RESERVED_LOG_ATTRS, THREAD_LOCAL_KEYS, LambdaPowertoolsFormatter

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable

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
    """The rule of a serializer that drops the keys whose value is None and cleans the others' values
    (redacts secrets) before it writes them: `json_serializer(log)` is `dumps(cleaned(log))`.

    Given to `LeanFormatter` beside that serializer, it lets a line be cleaned as it is built."""

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
        json_serializer: Callable[[dict[str, Any]], str],
        *,
        serializer_drops_none: bool = False,
        cleaning: Cleaning | None = None,
        **options: Any,
    ) -> None:
        """`serializer_drops_none`: `json_serializer` leaves out the keys whose value is None itself,
        as Powertools does before serializing; a record is then not copied once more to drop them.
        `cleaning`: `json_serializer`'s own rule (it drops None keys, then), with which `format_text`
        builds the cleaned line in one pass over the keys."""
        super().__init__(json_serializer=cast("Callable[[Any], str]", json_serializer), **options)
        self.serializer_drops_none = serializer_drops_none or cleaning is not None
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
        timestamp = functools.partial(self.formatTime, record)
        formatted = self._keys(record.levelname, record.funcName, record.lineno, timestamp, record)
        assert formatted is not None  # with a record, every key can be formatted
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
        second, milliseconds = int(created_ns / 1e9), created_ns % 1_000_000_000 // 1_000_000
        if self.cleaning is not None and not THREAD_LOCAL_KEYS.get() and _NOT_PLAIN.isdisjoint(extra):
            return self._planned_line(
                self.cleaning, (level, f"{function}:{line}", second, milliseconds), message, extra
            )
        timestamp = functools.partial(self._default_time_text, second, milliseconds)
        formatted = self._keys(level, function, line, timestamp, None)
        if formatted is None:
            return None
        for key, value in extra.items():
            if key not in _RESERVED:  # as a record's: `level` or `timestamp` in `extra` is not written
                formatted[key] = value
        return self._finish(formatted, message)

    def _planned_line(
        self, cleaning: Cleaning, at: tuple[str, str, int, int], message: str, extra: dict[str, Any]
    ) -> str | None:
        """`format_text`'s line (`at`: its level, location, second and millisecond), for a logger
        without this thread's keys and `extra` without the names a record treats apart
        (`_NOT_PLAIN`). Built as `_keys` and `_finish` build it (the logger's keys, `extra`'s in
        place or after them, the message, the trace id), but in whole-dict steps: the keys looked
        at one by one (to fill in, to leave out as None, to clean) are those the plan made for this
        set of keys names. Looking at every key, in Python, was most of a line's work.
        test_log_format compares the lines with Powertools' records."""
        line = {**self.log_format, **extra}
        line["message"] = message
        if self.serialize_stacktrace:
            line.pop("stack_trace", None)  # set to None by `_finish`: never written
        line["xray_trace_id"] = self._get_latest_trace_id()
        plan = self._last_plan
        if plan is None or line.keys() != plan.keys:  # a set's comparison: the order is the line's own
            plan = self._last_plan = _Plan.of(cleaning, line)
        if plan.reserved and not self._filled_in(line, plan.reserved, at):
            return None
        for key in plan.none:
            if line[key] is None:
                del line[key]
        if None in line.values():  # None where the plan's line had a value: left out key by key
            line = {key: value for key, value in line.items() if value is not None}
        for key, sensitive in plan.cleaned:
            if key in line:
                line[key] = cleaning.replacement if sensitive else cleaning.redact(line[key])
        return cleaning.dumps(line)

    def _filled_in(self, line: dict[str, Any], reserved: tuple[Any, ...], at: tuple[str, str, int, int]) -> bool:
        """Powertools' `%(...)s` keys of `line` filled in, as `_keys` fills them without a record;
        False when only a record will do."""
        for key in reserved:
            value = line[key]
            if not value:
                continue  # written as it is (None: left out)
            if value == _LEVEL:
                line[key] = at[0]
            elif value == _LOCATION:
                line[key] = at[1]
            elif value == _TIMESTAMP and self._default_time_format():
                line[key] = self._default_time_text(at[2], at[3])
            elif not isinstance(value, str) or "%" in value:
                return False  # a key that formats the record's attributes, or a date format of one's own
        return True

    def _finish(self, formatted: dict[str, Any], message: Any) -> str:
        formatted["message"] = message
        # Set even when absent, as Powertools does, then dropped with the other Nones below.
        if self.serialize_stacktrace:
            formatted["stack_trace"] = None
        formatted["xray_trace_id"] = self._get_latest_trace_id()
        if self.serializer_drops_none:
            return self.serialize(log=formatted)
        return self.serialize(log={key: value for key, value in formatted.items() if value is not None})

    def _keys(
        self, level: str, function: str, line: int, timestamp: Callable[[], str], record: logging.LogRecord | None
    ) -> dict[str, Any] | None:
        """The logger's keys, then this thread's, with Powertools' `%(...)s` values filled in; without
        a `record`, None where one is needed (a key that formats another attribute, a date format).

        Copied whole, then only the keys named like a record's attributes looked at: a copy is one
        step, and a loop over every key was most of the cost of a record."""
        formatted = dict(self.log_format)
        formatted.update(THREAD_LOCAL_KEYS.get())
        record_dict: dict[str, Any] | None = None
        for key in _RESERVED.intersection(formatted):
            value = formatted[key]
            if not value:
                continue
            if value == _LEVEL:
                formatted[key] = level
            elif value == _LOCATION:
                formatted[key] = f"{function}:{line}"
            elif value == _TIMESTAMP and (record is not None or self._default_time_format()):
                formatted[key] = timestamp()
            elif record is None:
                if not isinstance(value, str) or "%" in value:
                    return None
                # a text that formats nothing is itself, as `value % record_dict` would give it
            else:
                if record_dict is None:  # someone's own `%(...)s` key: as Powertools formats it
                    record_dict = {**record.__dict__, "asctime": self.formatTime(record)}
                if not isinstance(value, str):
                    raise ValueError(
                        "Logging keys that override reserved log attributes need to be type 'str', "
                        f"instead got '{type(value).__name__}'"
                    )
                formatted[key] = value % record_dict
        return formatted

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
