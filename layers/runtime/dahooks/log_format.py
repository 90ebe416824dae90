"""Powertools' JSON log formatter, the same records for less work each.

`LambdaPowertoolsFormatter.format` copies the whole LogRecord, formats its `%(...)s` keys against
that copy, tries to parse every message as JSON, and formats the time with strftime: about half of
what a `ctx.log` line costs. `LeanFormatter` writes the same keys in the same order with the same
values (a unit test compares the two record by record), but reads the record's attributes
directly, formats the time's fixed part once a second, and parses a message as JSON only when its
first character can start a JSON document. Anything unusual (a custom `%(...)s` key, a date
format, exceptions) goes through Powertools' own code.
"""

from __future__ import annotations

import functools
import json
import time
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


class LeanFormatter(LambdaPowertoolsFormatter):
    """A `LambdaPowertoolsFormatter` whose records cost less to format; the same output."""

    # The time's text but its milliseconds, and the second it is for: one tuple, replaced whole, so
    # that a record formatted on another thread never pairs one second's number with another's text.
    _second_text: tuple[int, str, str] = (-1, "", "")

    def __init__(
        self, json_serializer: Callable[[dict[str, Any]], str], *, serializer_drops_none: bool = False, **options: Any
    ) -> None:
        """`serializer_drops_none`: `json_serializer` leaves out the keys whose value is None itself,
        as Powertools does before serializing; a record is then not copied once more to drop them."""
        super().__init__(json_serializer=cast("Callable[[Any], str]", json_serializer), **options)
        self.serializer_drops_none = serializer_drops_none

    def start_invocation(self, keys: dict[str, Any]) -> None:
        """`clear_state()`, `thread_safe_clear_keys()` and `append_keys(**keys)` in one step: the
        keys of a new invocation, and none of the last one's."""
        self.log_format = {**dict.fromkeys(self.log_record_order), **self.keys_combined, **keys}
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
        timestamp = functools.partial(self._default_time_text, second, milliseconds)
        formatted = self._keys(level, function, line, timestamp, None)
        if formatted is None:
            return None
        for key, value in extra.items():
            if key not in _RESERVED:  # as a record's: `level` or `timestamp` in `extra` is not written
                formatted[key] = value
        return self._finish(formatted, message)

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
