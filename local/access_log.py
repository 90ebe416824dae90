"""The local gateway's access log: the lines API Gateway would write, in the format template.yaml gives it.

template.yaml's `AccessLogSettings.Format` is a JSON object whose values are `$context` variables;
API Gateway writes one line per request with each variable replaced, "-" where it has no value.
The local gateway does the same with the same format (read from the template, never copied), to
`.local/logs/access.log`: a 401 or 403 of the authorizer, a route that does not exist, a function
that failed — each leaves a line with its request id, whatever the function logged or did not.
What a failed function said is redacted first, as the runtime redacts its own records.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import TextIO

ACCESS_LOG_FILE = "access.log"
_VARIABLE = re.compile(r"\$context\.[A-Za-z.]+")


@dataclass
class AccessEntry:
    """What the gateway knows about one request once it has answered."""

    request_id: str
    source_ip: str
    method: str
    path: str
    protocol: str
    user_agent: str
    started: float  # epoch seconds
    status: int = 0
    response_length: int = 0
    response_ms: float = 0.0
    route_key: str = ""
    integration_ms: float | None = None
    integration_status: int | None = None
    integration_error: str = ""
    authorizer_error: str = ""

    def variables(self) -> dict[str, str]:
        """The `$context` variables API Gateway fills for an HTTP API, as text."""
        started = time.gmtime(self.started)
        return {
            "$context.requestId": self.request_id,
            "$context.extendedRequestId": self.request_id,
            "$context.identity.sourceIp": self.source_ip,
            "$context.identity.userAgent": self.user_agent,
            "$context.requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", started),
            "$context.requestTimeEpoch": str(int(self.started * 1000)),
            "$context.httpMethod": self.method,
            "$context.routeKey": self.route_key,
            "$context.path": self.path,
            "$context.protocol": self.protocol,
            "$context.stage": "$default",
            "$context.status": str(self.status),
            "$context.responseLength": str(self.response_length),
            "$context.responseLatency": str(round(self.response_ms)),
            "$context.integrationLatency": "" if self.integration_ms is None else str(round(self.integration_ms)),
            "$context.integrationStatus": "" if self.integration_status is None else str(self.integration_status),
            "$context.integrationErrorMessage": _redacted(self.integration_error),
            "$context.authorizer.error": self.authorizer_error,
        }

    def console_line(self) -> str:
        """The short line `make run` prints."""
        detail = self.authorizer_error and f"authorizer: {self.authorizer_error}"
        detail = detail or _redacted(self.integration_error) or ("" if self.route_key else "no route")
        suffix = f" ({detail})" if detail else ""
        request = f'{self.source_ip} "{self.method} {self.path}"'
        return f"{request} {self.status} {self.response_ms:.1f} ms {self.request_id}{suffix}"


def render(log_format: str, entry: AccessEntry) -> str:
    """`log_format` with each `$context` variable replaced as API Gateway does ("-" for none)."""
    values = entry.variables()

    def value(match: re.Match[str]) -> str:
        text = values.get(match.group()) or "-"
        return json.dumps(text, ensure_ascii=False)[1:-1]  # inside the format's quotes

    return _VARIABLE.sub(value, log_format)


class AccessLog:
    """Appends each request's line to `path` (when the template gives a format); `echo` (the
    console) gets the short line too."""

    def __init__(self, log_format: str | None, path: Path, echo: Callable[[str], None] | None = None) -> None:
        self.log_format = log_format
        self.echo = echo
        self._file: TextIO | None = None
        if log_format:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8", buffering=1)  # a line at a time: `tail -f` sees each

    def write(self, entry: AccessEntry) -> None:
        if self._file is not None and self.log_format:
            self._file.write(render(self.log_format, entry) + "\n")
        if self.echo is not None:
            self.echo(entry.console_line())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _redacted(text: str) -> str:
    if not text:
        return ""
    from dahooks.redaction import redact_text  # the runtime's own rule; loaded on the first failure only

    return redact_text(text)
