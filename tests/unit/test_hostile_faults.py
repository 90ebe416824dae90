"""Faults in process, through the real handlers: oversized, over-nested and undecodable bodies, and
hooks that crash, hang or answer garbage. Each gets its documented answer, and the function keeps serving.

The same faults through the local gateway (real sockets, worker processes) are in
test_hostile_gateway.py.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from dahooks import HookFunction
from dahooks.json_input import MAX_DEPTH
from dahooks.validation import MAX_BODY_BYTES
from local.lambda_runtime import LambdaContext
from local.testing import KELLY, http_event, synchronous_hook_routes
from tests.hostile_fixtures.functions.faulty.hook import CRASH_SECRET
from tests.hostile_fixtures.openapi import schema_validator

FUNCTIONS = Path(__file__).parent.parent / "hostile_fixtures" / "functions"
HOOK_ROUTES = synchronous_hook_routes()
# Every route that reads a JSON body, with the function serving it.
BODY_ROUTES = {
    **{f"POST {path}": function for path, function in HOOK_ROUTES.items()},
    "POST /hooks/post-user-registration": "PostUserRegistrationFunction",
    "PUT /custom-data": "CustomDataFunction",
}
GOOD_SETTINGS_BODY = {"request": {"user": KELLY}}


def assert_error_body(body: dict[str, Any], code: str, request_id: str = "test-request") -> None:
    """The error body: code, a message, the request id, and never a stack trace."""
    assert body["error"] == code
    assert body["requestId"] == request_id
    assert isinstance(body["message"], str)
    assert "Traceback" not in body["message"]
    assert schema_validator("Error").is_valid(body)


def nested(depth: int) -> str:
    return '{"payload": {"user_metadata": ' + "[" * depth + "]" * depth + "}}"


def base64_event(route_key: str, raw: bytes) -> dict[str, Any]:
    event = http_event(route_key, None, raw=base64.b64encode(raw).decode())
    event["isBase64Encoded"] = True
    return event


@pytest.mark.parametrize("route_key", sorted(BODY_ROUTES))
def test_body_of_one_mib_and_one_byte_is_413_payload_too_large(invoke, route_key):
    raw = '{"padding": "' + "x" * (MAX_BODY_BYTES + 1 - len('{"padding": ""}')) + '"}'
    assert len(raw.encode()) == MAX_BODY_BYTES + 1

    status, body = invoke(BODY_ROUTES[route_key], http_event(route_key, None, raw=raw))

    assert status == 413
    assert_error_body(body, "PayloadTooLarge")


@pytest.mark.parametrize("route_key", sorted(BODY_ROUTES))
def test_base64_body_of_one_mib_and_one_byte_is_413_payload_too_large(invoke, route_key):
    status, body = invoke(BODY_ROUTES[route_key], base64_event(route_key, b" " * (MAX_BODY_BYTES + 1)))

    assert status == 413
    assert_error_body(body, "PayloadTooLarge")


def test_body_of_exactly_one_mib_is_not_refused_for_its_size(invoke):
    raw = json.dumps({**GOOD_SETTINGS_BODY, "payload": {"padding": ""}})
    raw = raw.replace('"padding": ""', '"padding": "' + "x" * (MAX_BODY_BYTES - len(raw)) + '"')
    assert len(raw.encode()) == MAX_BODY_BYTES

    status, body = invoke("SettingsFunction", http_event("POST /hooks/settings", None, raw=raw))

    assert status == 200, body


@pytest.mark.parametrize("route_key", sorted(BODY_ROUTES))
def test_json_nested_ten_thousand_levels_is_400_invalid_request(invoke, route_key):
    status, body = invoke(BODY_ROUTES[route_key], http_event(route_key, None, raw=nested(10_000)))

    assert status == 400
    assert_error_body(body, "InvalidRequest")
    assert body["field"] == "body"
    assert f"{MAX_DEPTH} levels" in body["message"]


@pytest.mark.parametrize("route_key", sorted(BODY_ROUTES))
def test_json_nested_one_level_past_the_limit_is_400_naming_the_limit(invoke, route_key):
    # payload, user_metadata, then the arrays: one container more than MAX_DEPTH.
    status, body = invoke(BODY_ROUTES[route_key], http_event(route_key, None, raw=nested(MAX_DEPTH - 1)))

    assert status == 400
    assert_error_body(body, "InvalidRequest")
    assert body["field"].startswith("payload.user_metadata[0][0][0]")
    assert body["message"].endswith(f"is nested more than {MAX_DEPTH} levels deep")


def test_json_nested_as_deep_as_the_limit_is_served(invoke):
    status, body = invoke("SettingsFunction", http_event("POST /hooks/settings", None, raw=nested(MAX_DEPTH - 2)))

    assert status == 200, body


# Valid JSON for Python's parser, invalid data for everything after it (DynamoDB, SQS, a response).
NOT_DATA = {
    "1e400": "payload.user.name",
    "-1e400": "payload.user.name",
    "NaN": "payload.user.name",
    "Infinity": "payload.user.name",
    "-Infinity": "payload.user.name",
    '"\\ud800"': "payload.user.name",
    '"a\\udfffb"': "payload.user.name",
    '["ok", "\\udbff"]': "payload.user.name[1]",
    '{"\\ud800": 1}': "payload.user.name.\\ud800",
}


@pytest.mark.parametrize("route_key", sorted(BODY_ROUTES))
@pytest.mark.parametrize(("value", "field"), NOT_DATA.items(), ids=list(NOT_DATA))
def test_valid_json_that_is_not_valid_data_is_400_naming_the_field(invoke, route_key, value, field):
    raw = '{"payload": {"user": {"email": "a@example.com", "name": ' + value + "}}}"

    status, body = invoke(BODY_ROUTES[route_key], http_event(route_key, None, raw=raw))

    assert status == 400
    assert_error_body(body, "InvalidRequest")
    assert body["field"] == field
    json.dumps(body).encode("utf-8")  # the answer itself is valid UTF-8


def test_surrogate_pairs_and_big_finite_numbers_are_data(invoke):
    raw = '{"request": {"user": {"name": "\\ud83d\\ude00", "n": 1.7e308, "i": ' + "9" * 400 + "}}}"

    status, body = invoke("SettingsFunction", http_event("POST /hooks/settings", None, raw=raw))

    assert status == 200, body


@pytest.mark.parametrize("route_key", sorted(BODY_ROUTES))
def test_invalid_utf8_body_is_400_invalid_request(invoke, route_key):
    raw = b'{"payload": {"name": "caf\xe9 \xff\xfe"}}'  # Latin-1, not UTF-8

    status, body = invoke(BODY_ROUTES[route_key], base64_event(route_key, raw))

    assert status == 400
    assert_error_body(body, "InvalidRequest")
    assert body["field"] == "body"


def test_lone_surrogate_in_a_text_body_is_400_invalid_request(invoke):
    status, body = invoke("FilterFunction", http_event("POST /hooks/filter", None, raw='{"locale": "\ud800"}'))

    assert status == 400
    assert_error_body(body, "InvalidRequest")


def test_body_that_is_not_base64_is_400_invalid_request(invoke):
    event = http_event("POST /hooks/filter", None, raw="not base64 at all!")
    event["isBase64Encoded"] = True

    status, body = invoke("FilterFunction", event)

    assert status == 400
    assert_error_body(body, "InvalidRequest")


# ---------------------------------------------------------------- hooks that misbehave


@pytest.fixture
def faulty() -> HookFunction:
    """A warm settings function whose hook misbehaves as `payload.fault` says (hostile_fixtures/functions/faulty)."""
    return HookFunction("settings", FUNCTIONS / "faulty" / "hook.py")


def call(function: HookFunction, fault: str | None = None, *, timeout: float = 5.0) -> tuple[int, dict[str, Any]]:
    body = {**GOOD_SETTINGS_BODY, "payload": {"fault": fault}}
    response = function(http_event("POST /hooks/settings", body), LambdaContext("Faulty", 128, timeout))
    return response["statusCode"], json.loads(response["body"])


def test_hook_that_raises_is_500_hook_failed_with_the_details_only_in_the_logs(faulty, captured_logs):
    status, body = call(faulty, "raise")

    assert status == 500
    assert_error_body(body, "HookFailed")
    assert "settings" in body["message"]
    assert CRASH_SECRET not in json.dumps(body)
    assert "RuntimeError" in captured_logs.text  # for the hook's author


def test_hook_that_hangs_is_504_hook_timeout_even_when_it_swallows_exceptions(faulty):
    status, body = call(faulty, "hang", timeout=1.0)  # deadline: 1 s less the 500 ms margin

    assert status == 504
    assert_error_body(body, "HookTimeout")


def test_hook_that_answers_the_wrong_shape_is_500_hook_failed(faulty):
    status, body = call(faulty, "wrong-shape")

    assert status == 500
    assert_error_body(body, "HookFailed")


@pytest.mark.parametrize("fault", ["not-json", "nan"])
def test_hook_that_answers_values_json_cannot_carry_is_500_hook_failed(faulty, fault):
    status, body = call(faulty, fault)

    assert status == 500
    assert_error_body(body, "HookFailed")


def test_hook_that_calls_back_twice_keeps_its_first_answer():
    function = HookFunction("settings", FUNCTIONS / "calls-back-twice" / "hook.py")

    status, body = call(function)

    assert status == 400
    assert_error_body(body, "HookError")
    assert body["message"] == "first answer: no"


@pytest.mark.parametrize("fault", ["raise", "hang", "wrong-shape", "not-json", "nan"])
def test_function_serves_the_next_request_after_a_fault(faulty, fault):
    call(faulty, fault, timeout=1.0)

    assert call(faulty) == (200, {"settings": {"title": "ok"}})
