"""ctx.cache against DynamoDB Local: shared between containers, TTL honoured before DynamoDB deletes."""

from __future__ import annotations

import time

import pytest

from dahooks.exceptions import CacheValueTooLargeError, HookFailedError
from dahooks.storage import Storage
from dahooks.storage.cache import MAX_VALUE_BYTES, Cache


def raw_item(storage: Storage, key: str) -> dict | None:
    return (
        storage.client()
        .get_item(TableName=storage.table_name, Key={"pk": {"S": "cache"}, "sk": {"S": key}})
        .get("Item")
    )


def test_a_value_set_by_one_container_is_read_by_another(table):
    Storage(table).cache.set("departments", ["IT", "HR"], ttl_seconds=60)

    assert Storage(table).cache.get("departments") == ["IT", "HR"]


def test_a_missing_key_is_the_default(table):
    assert Storage(table).cache.get("nothing") is None
    assert Storage(table).cache.get("nothing", default=[]) == []


def test_an_expired_item_is_a_miss_even_while_dynamodb_still_stores_it(table):
    storage = Storage(table)
    storage.cache.set("departments", ["IT"], ttl_seconds=30)
    later = Cache(storage.client, table, clock=lambda: time.time() + 31)

    assert later.get("departments") is None
    item = raw_item(storage, "departments")
    assert item is not None  # still there: DynamoDB's TTL deletes within days, not on time
    assert int(item["expires_at"]["N"]) <= time.time() + 31


def test_the_item_carries_the_tables_ttl_attribute_in_epoch_seconds(table):
    storage = Storage(table)
    before = time.time()
    storage.cache.set("k", {"a": 1}, ttl_seconds=120)

    expires_at = int(raw_item(storage, "k")["expires_at"]["N"])

    assert before + 120 <= expires_at <= time.time() + 121


def test_get_or_set_calls_the_loader_once_across_containers(table):
    calls = []

    def loader() -> list[str]:
        calls.append(1)
        return ["IT", "HR", "Finance"]

    first = Storage(table).cache.get_or_set("departments", loader, ttl_seconds=60)
    second = Storage(table).cache.get_or_set("departments", loader, ttl_seconds=60)

    assert first == second == ["IT", "HR", "Finance"]
    assert calls == [1]


def test_get_or_set_calls_the_loader_again_once_the_value_expired(table):
    storage = Storage(table)
    storage.cache.get_or_set("k", lambda: "old", ttl_seconds=10)
    later = Cache(storage.client, table, clock=lambda: time.time() + 11)

    assert later.get_or_set("k", lambda: "new", ttl_seconds=10) == "new"
    assert later.get("k") == "new"


def test_a_cached_none_or_false_is_a_hit_not_a_miss(table):
    storage = Storage(table)
    storage.cache.set("flag", False, ttl_seconds=60)

    assert storage.cache.get_or_set("flag", lambda: pytest.fail("loader called on a hit"), ttl_seconds=60) is False


def test_a_value_at_the_limit_is_stored_and_one_byte_more_is_a_clear_error(table):
    storage = Storage(table)
    at_limit = "x" * (MAX_VALUE_BYTES - 2)  # the JSON quotes are the other two bytes
    long_key = "k" * 1024

    storage.cache.set(long_key, at_limit, ttl_seconds=60)
    with pytest.raises(CacheValueTooLargeError) as refused:
        storage.cache.set("too-big", at_limit + "x", ttl_seconds=60)

    assert storage.cache.get(long_key) == at_limit
    assert str(MAX_VALUE_BYTES) in str(refused.value)
    assert isinstance(refused.value, HookFailedError)
    assert raw_item(storage, "too-big") is None


@pytest.mark.parametrize(("key", "ttl"), [("", 60), ("k" * 1025, 60), ("k", 0), ("k", -1), ("k", True)])
def test_bad_keys_and_ttls_are_refused(table, key, ttl):
    with pytest.raises(ValueError, match="cache key|ttl_seconds"):
        Storage(table).cache.set(key, "v", ttl_seconds=ttl)


def test_delete_forgets_the_key_for_every_container(table):
    Storage(table).cache.set("k", 1, ttl_seconds=60)

    Storage(table).cache.delete("k")

    assert Storage(table).cache.get("k") is None
