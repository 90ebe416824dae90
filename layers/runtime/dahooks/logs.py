"""Structured logging with secrets removed, for the runtime and for `ctx.log`.

Every record goes through one serializer that redacts the values of sensitive keys at any depth
and masks bearer tokens inside strings, so neither a hook's `ctx.log(payload)` nor the runtime's
own records can leak a password or a token to CloudWatch.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths

from . import config

REDACTED = "[REDACTED]"

# Key names whose values are never logged: password, token, secret, authorization, client_secret
# and their usual spellings (access_token, x-api-key, SLACK_HOOK_URL is a secret too via "hook_url").
_SENSITIVE_KEY = re.compile(
    r"pass(word|wd|phrase)?|token|secret|authori[sz]ation|api[-_]?key|cookie|credential|hook_?url",
    re.IGNORECASE,
)
# Inside a string: a bearer credential, a JWT, or a `"password": "..."` pair of serialised JSON
# (an event body is a string, and must not leak what its parsed form would have hidden).
_SENSITIVE_TEXT = re.compile(
    r"(?i:bearer|basic)\s+[A-Za-z0-9._~+/=-]+"
    r"|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"
    r'|(?P<key>"[^"]*(?i:pass|token|secret|authori[sz]ation|api[-_]?key)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"'
)


def _mask(match: re.Match[str]) -> str:
    return f'{match["key"]}"{REDACTED}"' if match["key"] else REDACTED


@functools.lru_cache(maxsize=1024)  # the same few dozen keys recur in every record
def _is_sensitive_name(key: str) -> bool:
    return _SENSITIVE_KEY.search(key) is not None


def is_sensitive_key(key: object) -> bool:
    """True for a key whose value must not be logged."""
    return isinstance(key, str) and _is_sensitive_name(key)


def redact(value: Any) -> Any:
    """A copy of `value` with sensitive values replaced, at any depth; `value` is not changed."""
    if isinstance(value, dict):
        return {k: REDACTED if is_sensitive_key(k) else redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return _SENSITIVE_TEXT.sub(_mask, value)
    return value


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


def _redacting_dumps(record: dict[str, Any]) -> str:
    redacted = {
        key: value if key in _POWERTOOLS_KEYS else REDACTED if is_sensitive_key(key) else redact(value)
        for key, value in record.items()
    }
    return json.dumps(redacted, default=str, separators=(",", ":"), ensure_ascii=False)


def format_log_args(args: tuple[Any, ...]) -> str:
    """`ctx.log` arguments as one line: strings as they are, everything else as compact JSON.

    The original printed only its first argument; here every argument is kept.
    """
    parts = []
    for arg in args:
        if isinstance(arg, str):
            parts.append(arg)
        else:
            parts.append(json.dumps(redact(arg), default=str, separators=(",", ":"), ensure_ascii=False))
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
