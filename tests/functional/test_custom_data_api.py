"""The /custom-data routes, in process through CustomDataFunction's handler on DynamoDB Local.

The same routes through the local stack are in tests/e2e/test_custom_data_api.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dahooks.storage import MAX_DATA_BYTES
from local.testing import KELLY, http_event, random_text_document

CLAIMS = {"sub": KELLY["user_id"], "scope": "custom-data:read custom-data:write"}


def request(route_key: str, body: Any = None, *, headers: dict[str, str] | None = None, raw: str | None = None) -> dict:
    event = http_event(route_key, body, claims=CLAIMS, raw=raw)
    if body is None and raw is None:
        event.pop("body")
    event["headers"].update(headers or {})
    return event


@pytest.fixture
def api(invoke, table):
    """api("PUT /custom-data", body, headers=...) -> (status, body), against an empty table."""

    def call(route_key: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        return invoke("CustomDataFunction", request(route_key, body, **kwargs))

    return call


def assert_error(status: int, body: dict, expected_status: int, code: str) -> None:
    assert status == expected_status, body
    assert set(body) >= {"error", "message", "requestId"}
    assert body["error"] == code
    assert body["requestId"] == "test-request"
    assert "Traceback" not in body["message"]


def test_get_before_any_write_is_empty_at_version_zero(api):
    assert api("GET /custom-data") == (200, {"data": {}, "version": 0, "size": 2})


def test_put_then_get_returns_the_data_its_version_and_size(api):
    data = {"departments": ["IT", "HR", "Finance"], "é": "ü"}

    assert api("PUT /custom-data", {"data": data}) == (200, {"version": 1})
    status, body = api("GET /custom-data")

    assert status == 200
    compact = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    assert body == {"data": data, "version": 1, "size": len(compact)}


@pytest.mark.parametrize("if_match", ["1", '"1"', 'W/"1"'])
def test_put_with_the_current_if_match_writes_the_next_version(api, if_match):
    api("PUT /custom-data", {"data": {"n": 1}})

    assert api("PUT /custom-data", {"data": {"n": 2}}, headers={"if-match": if_match}) == (200, {"version": 2})


def test_put_with_a_stale_if_match_is_412_and_the_data_is_untouched(api):
    api("PUT /custom-data", {"data": {"n": 1}})
    api("PUT /custom-data", {"data": {"n": 2}})

    status, body = api("PUT /custom-data", {"data": {"n": "stale"}}, headers={"if-match": "1"})

    assert_error(status, body, 412, "VersionConflict")
    assert api("GET /custom-data")[1]["data"] == {"n": 2}


def test_put_over_the_limit_is_413_and_the_data_is_untouched(api):
    api("PUT /custom-data", {"data": {"n": 1}})

    status, body = api("PUT /custom-data", {"data": random_text_document(MAX_DATA_BYTES + 1, seed=7)})

    assert_error(status, body, 413, "CustomDataTooLarge")
    assert str(MAX_DATA_BYTES) in body["message"]
    assert api("GET /custom-data")[1] == {"data": {"n": 1}, "version": 1, "size": 7}


@pytest.mark.parametrize(
    ("body", "raw"),
    [
        ({"data": ["IT"]}, None),
        ({"data": "IT"}, None),
        ({"data": None}, None),
        ({"departments": ["IT"]}, None),
        ({"data": {}, "version": 3}, None),
        (None, "[]"),
        (None, "not json"),
        (None, ""),
    ],
)
def test_put_whose_body_is_not_a_data_object_is_400(api, body, raw):
    status, answer = api("PUT /custom-data", body, raw=raw)

    assert_error(status, answer, 400, "InvalidRequest")
    assert api("GET /custom-data")[1]["version"] == 0


@pytest.mark.parametrize("if_match", ["abc", "-1", "1.5", ""])
def test_put_with_an_if_match_that_is_not_a_version_is_400(api, if_match):
    status, body = api("PUT /custom-data", {"data": {}}, headers={"if-match": if_match})

    assert_error(status, body, 400, "InvalidRequest")
    assert body["field"] == "If-Match"


def test_history_lists_the_last_fifty_writes_newest_first_with_the_token_subject(api):
    for n in range(52):
        api("PUT /custom-data", {"data": {"n": n}})

    status, body = api("GET /custom-data/history")

    assert status == 200
    history = body["history"]
    assert [entry["version"] for entry in history] == list(range(52, 2, -1))
    assert {entry["who"] for entry in history} == {"auth0|kelly"}
    assert history[0]["size"] == len(b'{"n":51}')
    assert history[0]["when"] >= history[-1]["when"]


def test_the_template_gives_each_route_its_scope(template):
    scopes = {route.route_key: route.scopes for route in template.routes() if route.function == "CustomDataFunction"}

    assert scopes == {
        "GET /custom-data": ("custom-data:read",),
        "PUT /custom-data": ("custom-data:write",),
        "GET /custom-data/history": ("custom-data:read",),
    }
