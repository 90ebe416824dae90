"""Structured logging with secrets removed, for the runtime and for `ctx.log`.

Every record goes through one serializer that redacts the values of sensitive keys at any depth
and masks credentials and sensitive pairs inside strings (`dahooks.redaction`), so neither a
hook's `ctx.log(payload)`, nor its `ctx.log(f"{ctx.payload}")`, nor an exception message holding a
payload, nor the runtime's own records can leak a password or a token to CloudWatch.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import orjson
from aws_lambda_powertools import Logger
from aws_lambda_powertools.shared import constants

from . import config
from .json_output import Compact
from .log_format import Cleaning, LeanFormatter
from .redaction import REDACTED, is_sensitive_key, redact, redact_text

__all__ = ["REDACTED", "append_key", "format_log_args", "info_from_caller", "logger", "with_invocation_context"]

# Keys whose values the runtime sets itself, never from a request: what Powertools fills from the
# Lambda context and the clock, API Gateway's own request id, the hook type's name and the record's
# source. Skipping them halves the cost of redacting a record.
_RUNTIME_KEYS = frozenset(
    {
        "level",
        "location",
        "timestamp",
        "service",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "xray_trace_id",
        "sampling_rate",
        "correlation_id",
        "hook",
        "source",
    }
)


def _redacted_str(value: object) -> str:
    """What JSON cannot hold, as text, redacted: an exception (Powertools' `stack_trace.value`), a datetime, ..."""
    return redact_text(str(value))


_standard_dumps = Compact(default=_redacted_str).dumps
# What the standard encoder hands to `default` goes there with orjson too (a datetime, a dataclass
# instance: `str()` of it, redacted), and keys that are not strings are written as it writes them.
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _dumps(value: Any) -> str:
    """Compact JSON text of a record or a `ctx.log` argument: orjson's, a tenth of the standard
    encoder's work, with the standard encoder for what orjson refuses (an integer beyond 64 bits, a
    lone surrogate). Parsed back, the two texts hold the same values, but for a NaN or an infinity,
    which orjson writes as null where the standard encoder writes NaN (not JSON: a CloudWatch query
    would not read the line)."""
    try:
        return orjson.dumps(value, default=_redacted_str, option=_ORJSON_OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError
        return _standard_dumps(value)


# The one rule of every record's values: the values of every key but the runtime's own redacted, and
# the keys whose value is None left out (as Powertools leaves them out before serializing: the
# formatter hands them to the serializer, so that a record is copied once, not twice).
_CLEANING = Cleaning(_RUNTIME_KEYS, is_sensitive_key, REDACTED, redact, _dumps)


def lean_formatter(**options: Any) -> LeanFormatter:
    """The runtime's formatter (`options` are Powertools' formatter's): records serialized by
    `_CLEANING`, and a `ctx.log` line cleaned by the same rule as it is built."""
    return LeanFormatter(cleaning=_CLEANING, **options)


def format_log_args(args: tuple[Any, ...]) -> str:
    """`ctx.log` arguments as one line: strings as they are, everything else as compact JSON.

    The original printed only its first argument; here every argument is kept.
    """
    parts = []
    for arg in args:
        if isinstance(arg, str):
            parts.append(arg)
        else:
            parts.append(_dumps(redact(arg)))
    return " ".join(parts)


_formatter = lean_formatter()
logger = Logger(service=config.env_str(config.SERVICE_NAME, "delegated-admin-hooks"), logger_formatter=_formatter)


# The standard logger Powertools' Logger writes through (its name is the service's), and its one handler.
_records = logging.getLogger(logger.name)
_stdout = cast("logging.StreamHandler[Any]", _records.handlers[0])
# Our records are whole JSON lines on stdout already: in Lambda, the runtime's root handler they
# would propagate to drops them (Powertools gives it a filter for this logger's name), after paying
# for the walk up the hierarchy on every record.
_records.propagate = False


def append_key(name: str, value: Any) -> None:
    """`logger.append_keys(name=value)`, on the formatter the logger was built with: the logger finds
    its formatter anew on each call (its handler's, through three properties), as much work as the
    rest of a warm request's logging set-up. The key goes straight into the formatter's, as its
    `append_keys` (Powertools', not overridden) puts it, without being packed into a dict for it."""
    _formatter.log_format[name] = value


def info_from_caller(message: str, extra: dict[str, Any]) -> None:
    """`logger.info(message, extra=extra)` located, as `stacklevel` would locate it, at the line
    that called our caller: a hook's `ctx.log(...)` line.

    The frame is named here rather than found by logging's walk up the stack, which normalises the
    file name of each frame it passes. And while the logger writes only through its own handler
    (nothing added a handler or a filter), the line is formatted without a LogRecord and written
    straight to the stream: the same text (a unit test compares the two), for half the work, which
    was most of what a hook that logs once spent beyond its own code."""
    if not _records.isEnabledFor(logging.INFO):
        return
    frame = sys._getframe(2)  # 0: this function, 1: ctx.log, 2: the hook
    code = frame.f_code
    if _writes_only_to_stdout():
        try:
            text = _formatter.format_text("INFO", code.co_name, frame.f_lineno, time.time_ns(), message, extra)
        except Exception:  # whatever went wrong, the record path reports it as logging does, never to the hook
            text = None
        if text is not None:
            _write_line(text)
            return
    _records.handle(
        _records.makeRecord(
            _records.name, logging.INFO, code.co_filename, frame.f_lineno, message, (), None, code.co_name, extra
        )
    )


def _writes_only_to_stdout() -> bool:
    """True while a record of ours would reach only our stdout handler, formatted by our formatter."""
    return (
        _records.handlers == [_stdout]
        and not _records.filters
        and not _stdout.filters
        and _stdout.formatter is _formatter
        and _stdout.level <= logging.INFO
        and not _records.propagate
        and logging.getLogRecordFactory() is logging.LogRecord  # another factory may add keys (trace ids)
    )


def _write_line(text: str) -> None:
    """What the handler's `emit` does with a formatted record, errors included (reported, not raised).

    Under the handler's lock, taken without the two calls to `acquire` and `release`. A logging
    handler always has one (`Handler.__init__` makes it, on 3.11 as on 3.13; typeshed allows None)."""
    with _stdout.lock:  # type: ignore[union-attr]
        try:
            _stdout.stream.write(text + _stdout.terminator)
            _stdout.stream.flush()
        except Exception:  # as logging does: a failed write is reported on stderr, never raised into the hook
            _stdout.handleError(logging.makeLogRecord({"msg": text}))


Handler = TypeVar("Handler", bound=Callable[..., Any])

PROVISIONED_CONCURRENCY = "provisioned-concurrency"  # AWS_LAMBDA_INITIALIZATION_TYPE of an environment started ahead


_cold_start = [True]  # until the first invocation of this process (execution environment)


def _is_cold_start() -> bool:
    """True for the first invocation of the environment, unless it was started ahead of any request
    (provisioned concurrency): Powertools' rule, with the variable read once instead of each time."""
    if not _cold_start[0]:
        return False
    _cold_start[0] = False
    return os.environ.get(constants.LAMBDA_INITIALIZATION_TYPE) != PROVISIONED_CONCURRENCY


def with_invocation_context(handler: Handler, *, http_api: bool = True, keys: dict[str, Any] | None = None) -> Handler:
    """`handler` with every record carrying the Lambda context, for HTTP API events API Gateway's
    request id as `correlation_id`, and `keys` (the function's own, constant ones); the keys are
    cleared between invocations.

    The keys, their order and their values are those of Powertools' `inject_lambda_context(
    correlation_id_path=API_GATEWAY_HTTP, clear_state=True)` followed by `append_keys(**keys)` (a
    unit test compares the records), set in one step on the formatter, with a dictionary lookup
    instead of a JMESPath search.

    The event itself is never logged, whatever POWERTOOLS_LOGGER_LOG_EVENT says: a request body
    carries passwords, and a registration personal data.
    """
    own_keys = dict(keys or {})

    @functools.wraps(handler)
    def invoke(event: Any, context: Any) -> Any:
        cold_start = _is_cold_start()
        invocation: dict[str, Any] = {
            "service": logger.service,
            "sampling_rate": logger.sampling_rate,
            "cold_start": cold_start,
            "function_name": context.function_name,
            "function_memory_size": context.memory_limit_in_mb,
            "function_arn": context.invoked_function_arn,
            "function_request_id": context.aws_request_id,
        }
        if http_api:
            request_context = event.get("requestContext") if isinstance(event, dict) else None
            invocation["correlation_id"] = (
                request_context.get("requestId") if isinstance(request_context, dict) else None
            )
        _formatter.start_invocation(invocation, own_keys)
        if logger.sampling_rate and not cold_start:
            logger.refresh_sample_rate_calculation()  # as Powertools does: DEBUG for this share of invocations
        return handler(event, context)

    return cast("Handler", invoke)
