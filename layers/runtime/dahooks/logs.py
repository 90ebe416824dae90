"""Structured logging with secrets removed, for the runtime and for `ctx.log`.

Every record goes through one serializer that redacts the values of sensitive keys at any depth
and masks credentials and sensitive pairs inside strings (`dahooks.redaction`), so neither a
hook's `ctx.log(payload)`, nor its `ctx.log(f"{ctx.payload}")`, nor an exception message holding a
payload, nor the runtime's own records can leak a password or a token to CloudWatch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths

from . import config
from .redaction import REDACTED, is_sensitive_key, redact, redact_text

__all__ = ["REDACTED", "format_log_args", "logger", "with_invocation_context"]

# Keys Powertools fills from the Lambda context and the clock: they never carry request data, and
# skipping them halves the cost of redacting a record (about half of a logging hook's invocation).
_POWERTOOLS_KEYS = frozenset(
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
    }
)


def _redacted_str(value: object) -> str:
    """What JSON cannot hold, as text, redacted: an exception (Powertools' `stack_trace.value`), a datetime, ..."""
    return redact_text(str(value))


def _redacting_dumps(record: dict[str, Any]) -> str:
    redacted = {
        key: value if key in _POWERTOOLS_KEYS else REDACTED if is_sensitive_key(key) else redact(value)
        for key, value in record.items()
    }
    return json.dumps(redacted, default=_redacted_str, separators=(",", ":"), ensure_ascii=False)


def format_log_args(args: tuple[Any, ...]) -> str:
    """`ctx.log` arguments as one line: strings as they are, everything else as compact JSON.

    The original printed only its first argument; here every argument is kept.
    """
    parts = []
    for arg in args:
        if isinstance(arg, str):
            parts.append(arg)
        else:
            parts.append(json.dumps(redact(arg), default=_redacted_str, separators=(",", ":"), ensure_ascii=False))
    return " ".join(parts)


logger = Logger(
    service=config.env_str(config.SERVICE_NAME, "delegated-admin-hooks"),
    json_serializer=_redacting_dumps,
)


Handler = TypeVar("Handler", bound=Callable[..., Any])


def with_invocation_context(handler: Handler, *, http_api: bool = True) -> Handler:
    """`handler` with every record carrying the Lambda context and, for HTTP API events, API
    Gateway's request id as `correlation_id`; the keys are cleared between invocations.

    The event itself is never logged, whatever POWERTOOLS_LOGGER_LOG_EVENT says: a request body
    carries passwords, and a registration personal data.
    """
    return logger.inject_lambda_context(
        correlation_id_path=correlation_paths.API_GATEWAY_HTTP if http_api else None,
        log_event=False,
        clear_state=True,
    )(handler)
