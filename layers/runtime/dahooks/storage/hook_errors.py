"""The last failures of each hook, kept for the dashboard's configuration page (the original kept five).

One small partition per hook type, `pk = "hook-errors#<hook>"`, `sk = "<ISO time>#<request id>"`,
with what failed (`HookFailed` or `HookTimeout`), the public message, the cause (the exception's
type and its message, redacted as log lines are, at most 500 characters), the function it ran in,
and `expires_at` (the table's TTL attribute: 30 days). Each function may write only its own hook's
partition (IAM's dynamodb:LeadingKeys); the users API, which runs every hook in process, writes
theirs and reads them all.

Recording is best effort: it never changes the caller's answer, and a failure to record is a
warning in the log. It is one attempt with short timeouts (the caller is waiting, sometimes at the
hook's deadline), never botocore's retries. A container records at most one failure per hook per second, so a hook that
fails on every request costs one write a second, not one per request; the log has every failure.
A Lambda killed past its own timeout records nothing (its log says so).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..logs import logger
from ..redaction import redact_text
from .custom_data import now_iso
from .dynamodb import translated_errors

if TYPE_CHECKING:
    from collections.abc import Callable

PK_PREFIX = "hook-errors#"
KEPT = 5  # what the configuration page shows, as the original did
RETENTION_S = 30 * 24 * 3600
MIN_INTERVAL_S = 1.0
MAX_CAUSE_CHARS = 500


@dataclass(frozen=True)
class HookFailure:
    """One failed run of a hook, as the configuration page shows it."""

    hook: str
    error: str  # HookFailed or HookTimeout
    message: str  # what the caller was answered
    cause: str  # the exception's type and message, redacted; or what the deadline was
    request_id: str
    where: str  # the function it ran in


def cause_of(error: BaseException) -> str:
    """`KeyError: 'department'`: the exception's type and message, redacted and shortened."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return redact_text(text)[:MAX_CAUSE_CHARS]


class HookErrors:
    """Each hook's last failures in the table: read through `client()` (the storage's DynamoDB client),
    recorded through `record_client()` (one quickly abandoned attempt: the caller is waiting)."""

    def __init__(
        self,
        client: Callable[[], Any],
        table_name: str,
        clock: Callable[[], float] = time.monotonic,
        record_client: Callable[[], Any] | None = None,
    ) -> None:
        self._client = client
        self._record_client = record_client or client
        self._table = table_name
        self._clock = clock
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def record(self, failure: HookFailure) -> bool:
        """Keep `failure`; False when it was not kept (too soon after the last, or the table failed)."""
        now = self._clock()
        with self._lock:
            if now - self._last.get(failure.hook, -MIN_INTERVAL_S) < MIN_INTERVAL_S:
                return False
            self._last[failure.hook] = now
        when = now_iso()
        item = {
            "pk": {"S": PK_PREFIX + failure.hook},
            "sk": {"S": f"{when}#{failure.request_id or '-'}"},
            "when": {"S": when},
            "error": {"S": failure.error},
            "message": {"S": failure.message},
            "cause": {"S": failure.cause or "-"},
            "request_id": {"S": failure.request_id or "-"},
            "where": {"S": failure.where or "-"},
            "expires_at": {"N": str(int(time.time() + RETENTION_S))},
        }
        try:
            with translated_errors("record a hook's failure"):
                self._record_client().put_item(TableName=self._table, Item=item)
        except Exception as error:  # best effort: the caller's answer is already decided
            logger.warning("the hook's failure could not be recorded", extra={"error": type(error).__name__})
            return False
        return True

    def recent(self, hook: str, limit: int = KEPT) -> list[dict[str, str]]:
        """The hook's last `limit` failures, newest first."""
        with translated_errors("read the hooks' failures"):
            response = self._client().query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": PK_PREFIX + hook}},
                ScanIndexForward=False,
                Limit=limit,
            )
        fields = ("when", "error", "message", "cause", "request_id", "where")
        return [
            {name: item[name]["S"] for name in fields if name in item}
            for item in response.get("Items", [])
            if float(item.get("expires_at", {}).get("N", "inf")) > time.time()  # TTL deletes only eventually
        ]
