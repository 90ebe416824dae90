"""Custom data in DynamoDB: versioned, atomic across items, cheap to re-read when unchanged.

Items, all under pk="custom-data":

- `head`: which version is current (version, size, a unique token) and how it is stored. Small
  data (up to INLINE_BYTES once compressed) lives in the head itself; the head stays under 4 KB,
  so reading it is one strongly consistent read of at most 1 RCU;
- `chunk#<version>#<n>`: the bytes of a larger version (see codec.py), at most CHUNK_BYTES each;
- `audit#<version>`: who wrote that version, when, and its size.

A write is one TransactWriteItems: the new head (conditional on the version it replaces), the new
chunks, the deletion of the chunks two versions back, and the audit record — all or nothing. The
previous version's chunks are kept one write longer, so a reader that has just read the head
nearly always still finds them; if a newer write has deleted them it starts over, so it never
returns half of a version. The last version read is kept in memory per container, so a warm read
of unchanged data is the head read alone.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..aws_errors import error_code
from ..exceptions import ServiceUnavailableError, VersionConflictError
from . import codec
from .dynamodb import translated_errors

PK = "custom-data"
HEAD_SK = "head"
INLINE_BYTES = 2048
MAX_ACTOR_CHARS = 256
HISTORY_LIMIT = 50
READ_ATTEMPTS = 10
WRITE_ATTEMPTS = 30
BACKOFF_BASE_SECONDS = 0.01
BACKOFF_CAP_SECONDS = 0.5
_CONFLICT_REASONS = frozenset({"ConditionalCheckFailed", "TransactionConflict"})

Updater = Callable[[dict[str, Any]], dict[str, Any] | None]


@dataclass(frozen=True)
class Head:
    """The small record that says which version is current and how it is stored."""

    version: int = 0
    size: int = 2  # compact JSON of {}
    chunks: int = 0  # 0: the data is inline
    previous_chunks: int = 0  # chunks of version - 1, deleted by the next write
    compressed: bool = False
    token: str = ""  # unique per write: a restored or re-created table cannot pass off other data as ours
    inline: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class CustomData:
    """One read of the custom data: the data (a fresh copy), its version and size, what the read cost."""

    data: dict[str, Any]
    version: int
    size: int
    read_capacity: float
    head: Head


def _chunk_key(version: int, index: int) -> dict[str, Any]:
    return {"pk": {"S": PK}, "sk": {"S": f"chunk#{version:012d}#{index:03d}"}}


def now_iso() -> str:
    """UTC now, ISO 8601 to the millisecond: sort keys that sort by time."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _capacity(response: dict[str, Any]) -> float:
    consumed = response.get("ConsumedCapacity") or {}
    if isinstance(consumed, list):
        return float(sum(item.get("CapacityUnits", 0) for item in consumed))
    return float(consumed.get("CapacityUnits", 0))


def _head_of(item: dict[str, Any]) -> Head:
    return Head(
        version=int(item["version"]["N"]),
        size=int(item["size"]["N"]),
        chunks=int(item["chunks"]["N"]),
        previous_chunks=int(item["previous_chunks"]["N"]),
        compressed=bool(item["compressed"]["BOOL"]),
        token=item["token"]["S"],
        inline=item["data"]["B"] if "data" in item else None,
    )


def _backoff(attempt: int) -> None:
    """Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): contenders spread out."""
    time.sleep(random.random() * min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt))  # noqa: S311


class CustomDataStore:
    """`read`/`write`/`update` of the one custom data document, and its audit history."""

    def __init__(self, client: Callable[[], Any], table_name: str) -> None:
        self._client = client
        self._table = table_name
        self._copy: tuple[str, bytes] | None = None  # token and compact JSON of the last version seen

    # ------------------------------------------------------------------ reading
    def _head(self) -> tuple[Head, float]:
        with translated_errors("read the custom data"):
            response = self._client().get_item(
                TableName=self._table,
                Key={"pk": {"S": PK}, "sk": {"S": HEAD_SK}},
                ConsistentRead=True,
                ReturnConsumedCapacity="TOTAL",
            )
        item = response.get("Item")
        return (Head() if item is None else _head_of(item)), _capacity(response)

    def _chunks(self, head: Head) -> tuple[list[bytes] | None, float]:
        """The chunks of `head`'s version, or None when a newer write has already deleted them."""
        items: list[dict[str, Any]] = []
        capacity = 0.0
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": PK}, ":prefix": {"S": f"chunk#{head.version:012d}#"}},
            "ConsistentRead": True,
            "ReturnConsumedCapacity": "TOTAL",
        }
        with translated_errors("read the custom data"):
            while True:
                response = self._client().query(**request)
                capacity += _capacity(response)
                items.extend(response.get("Items", []))
                if "LastEvaluatedKey" not in response:
                    break
                request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        if len(items) != head.chunks:
            return None, capacity
        items.sort(key=lambda item: item["sk"]["S"])
        return [item["data"]["B"] for item in items], capacity

    def _raw(self, head: Head) -> tuple[bytes | None, float]:
        """The compact JSON of `head`'s version: from memory, the head, or its chunks."""
        if self._copy is not None and self._copy[0] == head.token:
            return self._copy[1], 0.0
        chunks: list[bytes] | None
        if head.inline is not None:
            chunks, capacity = [head.inline], 0.0
        else:
            chunks, capacity = self._chunks(head)
            if chunks is None:
                return None, capacity
        raw = codec.decode(chunks, head.compressed)
        self._copy = (head.token, raw)
        return raw, capacity

    def snapshot(self) -> CustomData:
        """The current custom data; the chunks are fetched only when the version is not the one in memory."""
        capacity = 0.0
        for attempt in range(READ_ATTEMPTS):
            head, used = self._head()
            capacity += used
            if head.version == 0:
                return CustomData({}, 0, head.size, capacity, head)
            raw, used = self._raw(head)
            capacity += used
            if raw is not None:
                return CustomData(json.loads(raw), head.version, head.size, capacity, head)
            _backoff(attempt)  # two newer versions landed while we read: start over
        raise ServiceUnavailableError("the custom data kept changing while it was read; try again")

    def history(self, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
        """The audit records of the last `limit` writes, newest first."""
        with translated_errors("read the custom data history"):
            response = self._client().query(
                TableName=self._table,
                KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
                ExpressionAttributeValues={":pk": {"S": PK}, ":prefix": {"S": "audit#"}},
                ScanIndexForward=False,
                Limit=limit,
            )
        return [
            {
                "version": int(item["version"]["N"]),
                "who": item["who"]["S"],
                "when": item["when"]["S"],
                "size": int(item["size"]["N"]),
            }
            for item in response.get("Items", [])
        ]

    # ------------------------------------------------------------------ writing
    def _transaction(self, encoded: codec.Encoded, previous: Head, new: Head, actor: str) -> list[dict[str, Any]]:
        when = now_iso()
        head_item: dict[str, Any] = {
            "pk": {"S": PK},
            "sk": {"S": HEAD_SK},
            "version": {"N": str(new.version)},
            "size": {"N": str(new.size)},
            "chunks": {"N": str(new.chunks)},
            "previous_chunks": {"N": str(new.previous_chunks)},
            "compressed": {"BOOL": new.compressed},
            "token": {"S": new.token},
            "updated_at": {"S": when},
            "updated_by": {"S": actor},
        }
        if new.inline is not None:
            head_item["data"] = {"B": new.inline}
        head_put: dict[str, Any] = {"TableName": self._table, "Item": head_item}
        if previous.version == 0:
            head_put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            head_put["ConditionExpression"] = "#v = :expected"
            head_put["ExpressionAttributeNames"] = {"#v": "version"}
            head_put["ExpressionAttributeValues"] = {":expected": {"N": str(previous.version)}}
        actions: list[dict[str, Any]] = [{"Put": head_put}]
        for index, chunk in enumerate(encoded.chunks if new.inline is None else []):
            item = {**_chunk_key(new.version, index), "data": {"B": chunk}}
            actions.append({"Put": {"TableName": self._table, "Item": item}})
        for index in range(previous.previous_chunks):  # the version before the one we replace
            actions.append({"Delete": {"TableName": self._table, "Key": _chunk_key(previous.version - 1, index)}})
        audit = {
            "pk": {"S": PK},
            "sk": {"S": f"audit#{new.version:012d}"},
            "version": {"N": str(new.version)},
            "who": {"S": actor},
            "when": {"S": when},
            "size": {"N": str(new.size)},
        }
        actions.append({"Put": {"TableName": self._table, "Item": audit}})
        return actions

    def _commit(self, encoded: codec.Encoded, previous: Head, actor: str) -> int:
        """Write `encoded` as the version after `previous`, or raise `VersionConflictError`."""
        from botocore.exceptions import ClientError

        inline = encoded.body if len(encoded.body) <= INLINE_BYTES else None
        new = Head(
            version=previous.version + 1,
            size=encoded.size,
            chunks=0 if inline is not None else len(encoded.chunks),
            previous_chunks=previous.chunks,
            compressed=encoded.compressed,
            token=str(uuid.uuid4()),
            inline=inline,
        )
        actions = self._transaction(encoded, previous, new, actor[:MAX_ACTOR_CHARS] or "unknown")
        try:
            with translated_errors("write the custom data"):
                # The token makes botocore's retry of a transaction whose answer was lost idempotent,
                # rather than a false conflict with our own write.
                self._client().transact_write_items(TransactItems=actions, ClientRequestToken=new.token)
        except ClientError as exc:
            if error_code(exc) != "TransactionCanceledException":
                raise
            reasons = {reason.get("Code") for reason in exc.response.get("CancellationReasons", [])}
            if reasons & _CONFLICT_REASONS:
                raise VersionConflictError(
                    f"the custom data changed after version {previous.version}; read it again and retry"
                ) from exc
            raise ServiceUnavailableError("the custom data store refused the write; try again later") from exc
        self._copy = (new.token, encoded.raw)
        return new.version

    def write(self, data: dict[str, Any], expected_version: int | None = None, actor: str = "hook") -> int:
        """Replace the custom data; returns the new version.

        With `expected_version`, fails with `VersionConflictError` unless it is the current
        version. Without it the last writer wins, as in the original, but still atomically.
        """
        if expected_version is not None and (
            isinstance(expected_version, bool) or not isinstance(expected_version, int) or expected_version < 0
        ):
            raise ValueError("expected_version must be a version number (an integer >= 0)")
        encoded = codec.encode(data)  # the limit is checked before anything is sent
        for attempt in range(WRITE_ATTEMPTS):
            head, _ = self._head()
            if expected_version is not None and head.version != expected_version:
                raise VersionConflictError(
                    f"the custom data is at version {head.version}, not {expected_version}; read it again and retry"
                )
            try:
                return self._commit(encoded, head, actor)
            except VersionConflictError:
                if expected_version is not None:
                    raise
                _backoff(attempt)
        raise VersionConflictError(f"the custom data kept changing; gave up after {WRITE_ATTEMPTS} attempts")

    def update(self, fn: Updater, actor: str = "hook") -> dict[str, Any]:
        """Read, apply `fn`, write back if nobody wrote meanwhile, else start over; returns what was written.

        `fn` gets a copy of the data and returns the new data (or changes the copy and returns
        None). It may run more than once under contention, so it should do nothing else.
        """
        for attempt in range(WRITE_ATTEMPTS):
            current = self.snapshot()
            result = fn(current.data)
            new = current.data if result is None else result
            encoded = codec.encode(new)
            try:
                self._commit(encoded, current.head, actor)
                return new
            except VersionConflictError:
                _backoff(attempt)
        raise VersionConflictError(f"the custom data kept changing; gave up after {WRITE_ATTEMPTS} attempts")
