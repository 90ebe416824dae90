"""The memberships sample, now real: departments from custom data, cached in ctx.cache and ctx.globals."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dahooks import HookFunction
from dahooks.storage import Storage
from local.lambda_runtime import context_for
from local.testing import IAN, KELLY, NADIA, hook_path, http_event

ALL = ["IT", "HR", "Finance", "Marketing"]


@pytest.fixture
def container(template, table, monkeypatch):
    """A fresh memberships container: call(user, storage_factory=None) -> (status, body)."""
    monkeypatch.setenv("DEPARTMENTS", "IT,HR,Finance")
    function = template.functions()["MembershipsFunction"]

    def start(storage_factory: Any = None) -> Any:
        handler = HookFunction("memberships", hook_path("memberships"), storage_factory=storage_factory)

        def call(user: dict[str, Any]) -> tuple[int, Any]:
            event = http_event("POST /hooks/memberships", {"request": {"user": user}})
            response = handler(event, context_for(function))
            return response["statusCode"], json.loads(response["body"])

        return call

    return start


def no_storage() -> Storage:
    raise AssertionError("this caller must not need DynamoDB")


def test_it_gets_every_department_in_custom_data(container, table):
    Storage(table).write({"departments": ALL})

    assert container()(IAN) == (200, {"memberships": ALL, "createMemberships": True})


def test_anyone_else_gets_only_their_own_department_without_touching_dynamodb(container):
    assert container(no_storage)(KELLY) == (200, {"memberships": ["Finance"], "createMemberships": True})


def test_a_caller_without_a_department_may_assign_none(container):
    assert container(no_storage)(NADIA) == (200, {"memberships": [], "createMemberships": False})


def test_without_departments_in_custom_data_the_setting_is_used(container):
    assert container()(IAN) == (200, {"memberships": ["IT", "HR", "Finance"], "createMemberships": True})


def test_departments_are_cached_for_every_container_until_the_cache_entry_goes(container, table):
    storage = Storage(table)
    storage.write({"departments": ALL})
    container()(IAN)  # fills ctx.cache

    storage.write({"departments": ["IT"]})
    cached = container()(IAN)  # another container: served from ctx.cache, custom data not re-read
    storage.cache.delete("departments")
    fresh = container()(IAN)

    assert cached[1]["memberships"] == ALL
    assert fresh[1]["memberships"] == ["IT"]


def test_a_warm_container_answers_from_ctx_globals_without_dynamodb(container, table):
    Storage(table).write({"departments": ALL})
    reads = []

    def counting_storage() -> Storage:
        storage = Storage(table)
        client = storage.client()
        client.meta.events.register("before-send.dynamodb.*", lambda **kwargs: reads.append(1))
        return storage

    call = container(counting_storage)
    call(IAN)
    first = len(reads)
    second = call(IAN)

    assert first > 0
    assert len(reads) == first
    assert second == (200, {"memberships": ALL, "createMemberships": True})


def test_departments_that_are_not_a_list_of_names_fail_the_hook(container, table):
    Storage(table).write({"departments": "IT,HR"})

    status, body = container()(IAN)

    assert status == 500
    assert body["error"] == "HookFailed"
