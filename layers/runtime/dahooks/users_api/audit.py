"""The audit log: who did what to whom, with what outcome, when and in which request, in the table.

Keys (the table's own pk/sk, no index): each event is written twice, in one transaction, under

- `pk = "audit"`, for the whole log (`GET /api/logs`), and
- `pk = "audit#user#<user_id>"`, for one user's log (`GET /api/users/{id}/logs`), when it has a target,

both with `sk = "<time, ISO 8601 in ms>#<request id>"`, so that each read is one Query of one
partition, newest first (ScanIndexForward false), and a page resumes below the last sk it showed.
Admin actions come at human speed, far below what one partition takes.

A change is written before it is made and completed after: `begin` puts the event as `started`
(if that fails, the change is not made: 503), `finish` records its outcome. So no change happens
without its record; a record left `started` means the outcome could not be written (the log says
so). A refusal, or a failure before any change, is one write (`record`). Records expire after the
retention (`expires_at`, the table's TTL attribute), when one is set.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..exceptions import InvalidRequestError
from ..logs import logger
from ..storage.custom_data import now_iso
from ..storage.dynamodb import translated_errors

if TYPE_CHECKING:
    from collections.abc import Callable

LOG_PK = "audit"
USER_PK_PREFIX = "audit#user#"
STARTED, SUCCEEDED, REFUSED, FAILED = "started", "succeeded", "refused", "failed"
MAX_MESSAGE_CHARS = 1000
DEFAULT_PAGE = 20  # the original extension's log page
MAX_PAGE = 100
_SORT_KEY = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#[\x21-\x7e]{1,200}")


@dataclass(frozen=True)
class AuditEvent:
    """One audited request: who acted, the action, its target (a user_id, or "" for none)."""

    who: str
    action: str
    target: str
    request_id: str
    time: str

    @property
    def sort_key(self) -> str:
        return f"{self.time}#{self.request_id}"


@dataclass(frozen=True)
class Outcome:
    """How an audited request ended: `succeeded`, `refused` or `failed`, with its status and error."""

    outcome: str
    status: int
    error: str = ""
    message: str = ""


class AuditLog:
    """Audit records in the table, written and read through `client()` (the storage's DynamoDB client)."""

    def __init__(
        self,
        client: Callable[[], Any],
        table_name: str,
        retention_days: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self.table_name = table_name
        self.retention_s = retention_days * 24 * 3600
        self._clock = clock

    def event(self, who: str, action: str, target: str, request_id: str) -> AuditEvent:
        return AuditEvent(who=who, action=action, target=target, request_id=request_id, time=now_iso())

    def begin(self, event: AuditEvent) -> None:
        """Record that `event`'s change is about to be made; raises (503) when it cannot be recorded."""
        with translated_errors("write the audit log"):
            self._put(event, Outcome(STARTED, 0))

    def finish(self, event: AuditEvent, outcome: Outcome) -> None:
        """Record how `event`'s change ended; a failure is logged, never raised (the change is done)."""
        try:
            with translated_errors("write the audit log"):
                self._transact([{"Update": self._update(key, outcome)} for key in self._keys(event)])
        except Exception:
            logger.exception(
                "the outcome of an audited change could not be written; its record stays 'started'",
                extra={"audit": _as_record(event, outcome)},
            )

    def record(self, event: AuditEvent, outcome: Outcome) -> None:
        """Record a request that changed nothing (a refusal, a failure); a failure is logged, not raised."""
        try:
            with translated_errors("write the audit log"):
                self._put(event, outcome)
        except Exception:
            logger.exception("an audit record could not be written", extra={"audit": _as_record(event, outcome)})

    def read(
        self, target: str | None = None, limit: int = DEFAULT_PAGE, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of records, newest first: the whole log, or `target`'s; and the cursor of the next page."""
        pk = LOG_PK if target is None else USER_PK_PREFIX + target
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "Limit": limit,
        }
        if cursor is not None:
            params["KeyConditionExpression"] = "pk = :pk AND sk < :before"
            params["ExpressionAttributeValues"][":before"] = {"S": _decode_cursor(cursor)}
        with translated_errors("read the audit log"):
            response = self._client().query(**params)
        items = response.get("Items") or []
        records = [_from_item(item) for item in items]
        following = None
        if response.get("LastEvaluatedKey") and items:
            following = _encode_cursor(items[-1]["sk"]["S"])
        return records, following

    def _keys(self, event: AuditEvent) -> list[dict[str, Any]]:
        partitions = [LOG_PK] + ([USER_PK_PREFIX + event.target] if event.target else [])
        return [{"pk": {"S": pk}, "sk": {"S": event.sort_key}} for pk in partitions]

    def _update(self, key: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
        values = _outcome_attributes(outcome)
        return {
            "TableName": self.table_name,
            "Key": key,
            "UpdateExpression": "SET " + ", ".join(f"#{name} = :{name}" for name in values),
            "ExpressionAttributeNames": {f"#{name}": name for name in values},
            "ExpressionAttributeValues": {f":{name}": value for name, value in values.items()},
        }

    def _put(self, event: AuditEvent, outcome: Outcome) -> None:
        attributes: dict[str, Any] = {
            "who": {"S": event.who},
            "action": {"S": event.action},
            "target": {"S": event.target},
            "request_id": {"S": event.request_id},
            "time": {"S": event.time},
            **_outcome_attributes(outcome),
        }
        if self.retention_s:
            attributes["expires_at"] = {"N": str(int(self._clock()) + self.retention_s)}
        keys = self._keys(event)
        if len(keys) == 1:
            self._client().put_item(TableName=self.table_name, Item={**keys[0], **attributes})
            return
        self._transact([{"Put": {"TableName": self.table_name, "Item": {**key, **attributes}}} for key in keys])

    def _transact(self, items: list[dict[str, Any]]) -> None:
        if len(items) == 1:
            operation = items[0]
            if "Update" in operation:
                self._client().update_item(**operation["Update"])
            else:
                self._client().put_item(**operation["Put"])
            return
        self._client().transact_write_items(TransactItems=items)


def _outcome_attributes(outcome: Outcome) -> dict[str, Any]:
    return {
        "outcome": {"S": outcome.outcome},
        "status": {"N": str(outcome.status)},
        "error": {"S": outcome.error},
        "message": {"S": outcome.message[:MAX_MESSAGE_CHARS]},
    }


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    def text(name: str) -> str:
        return str((item.get(name) or {}).get("S", ""))

    record: dict[str, Any] = {
        "time": text("time"),
        "who": text("who"),
        "action": text("action"),
        "target": text("target") or None,
        "outcome": text("outcome"),
        "status": int((item.get("status") or {}).get("N", "0")),
        "requestId": text("request_id"),
    }
    if text("error"):
        record["error"] = text("error")
    if text("message"):
        record["message"] = text("message")
    return record


def _as_record(event: AuditEvent, outcome: Outcome) -> dict[str, Any]:
    return {**vars(event), **vars(outcome)}


def _encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> str:
    try:
        sort_key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError):
        sort_key = ""
    if not _SORT_KEY.fullmatch(sort_key):
        raise InvalidRequestError("cursor", "not a cursor of this log")
    return sort_key
