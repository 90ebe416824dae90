"""`ctx.cache`: a key/value cache shared by every container, in the same DynamoDB table.

Items live under pk="cache", sk=<key>, with the value as compact JSON and `expires_at` in epoch
seconds, the table's TTL attribute. DynamoDB deletes expired items only eventually (within days),
so an item whose `expires_at` has passed is treated as a miss here, whatever is still stored.
"""

from __future__ import annotations

import json
import math
import time
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..exceptions import CacheValueTooLargeError
from .codec import compact_json
from .dynamodb import translated_errors

if TYPE_CHECKING:
    from collections.abc import Callable

PK = "cache"
# The item also holds its key (<= 1,024 bytes) and attribute names: 400,000 bytes of value keeps
# it under DynamoDB's 409,600-byte item limit whatever the key.
MAX_VALUE_BYTES = 400_000
MAX_KEY_BYTES = 1024

T = TypeVar("T")
_MISS = object()


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key:
        raise ValueError("a cache key must be a non-empty string")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise ValueError(f"a cache key must be at most {MAX_KEY_BYTES} bytes of UTF-8")


def _check_ttl(ttl_seconds: float) -> None:
    if isinstance(ttl_seconds, bool) or not isinstance(ttl_seconds, int | float) or not ttl_seconds > 0:
        raise ValueError("ttl_seconds must be a positive number of seconds")


class Cache:
    """`get`, `set`, `get_or_set` and `delete` over DynamoDB; values are anything JSON can hold."""

    def __init__(self, client: Callable[[], Any], table_name: str, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._table = table_name
        self._clock = clock

    def _lookup(self, key: str) -> Any:
        _check_key(key)
        with translated_errors("read the cache"):
            response = self._client().get_item(
                TableName=self._table,
                Key={"pk": {"S": PK}, "sk": {"S": key}},
                ConsistentRead=True,
                ProjectionExpression="#v, expires_at",
                ExpressionAttributeNames={"#v": "value"},
            )
        item = response.get("Item")
        if item is None or float(item["expires_at"]["N"]) <= self._clock():
            return _MISS
        return json.loads(item["value"]["S"])

    def get(self, key: str, default: Any = None) -> Any:
        """The cached value, or `default` when the key is missing or expired."""
        value = self._lookup(key)
        return default if value is _MISS else value

    def set(self, key: str, value: Any, ttl_seconds: float) -> None:
        """Cache `value` (JSON-serialisable) under `key` for `ttl_seconds`, for every container."""
        _check_key(key)
        _check_ttl(ttl_seconds)
        raw = compact_json(value)
        if len(raw) > MAX_VALUE_BYTES:
            raise CacheValueTooLargeError(
                f"the value for cache key {key[:80]!r} is {len(raw)} bytes of compact JSON; "
                f"the cache's limit is {MAX_VALUE_BYTES} bytes"
            )
        expires_at = math.ceil(self._clock() + ttl_seconds)
        with translated_errors("write the cache"):
            self._client().put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": PK},
                    "sk": {"S": key},
                    "value": {"S": raw.decode("utf-8")},
                    "expires_at": {"N": str(expires_at)},
                },
            )

    def get_or_set(self, key: str, loader: Callable[[], T], ttl_seconds: float) -> T:
        """The cached value; on a miss, `loader()`'s result, cached for `ttl_seconds`.

        Two containers missing at the same moment may both call their loader; the last one to
        finish is what stays cached. Use it for values any container may compute.
        """
        _check_ttl(ttl_seconds)
        value = self._lookup(key)
        if value is not _MISS:
            # What a loader for this key returned, back from JSON: every caller of a key expects one type.
            return cast("T", value)
        loaded = loader()
        self.set(key, loaded, ttl_seconds)
        return loaded

    def delete(self, key: str) -> None:
        """Forget `key` for every container."""
        _check_key(key)
        with translated_errors("write the cache"):
            self._client().delete_item(TableName=self._table, Key={"pk": {"S": PK}, "sk": {"S": key}})
