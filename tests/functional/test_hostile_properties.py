"""Property tests through the real handlers: whatever a caller sends, the answer is one openapi.yaml documents.

Any JSON value as a hook request body, through each real handler, is either accepted (a 200
matching openapi.yaml, or the hook's own `HookError` refusal) or refused with 400 `InvalidRequest`
naming the field — never a 500, never an exception out of the handler. The handlers run as
deployed, on the session's DynamoDB Local (the memberships hook reads custom data for IT).
Examples are bounded so the suite stays fast; `--hypothesis-seed` reproduces a failure.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from local.testing import http_event, synchronous_hook_routes
from tests.hostile_fixtures.openapi import response_validator
from tests.hostile_fixtures.strategies import request_bodies

pytestmark = pytest.mark.usefixtures("dynamodb_endpoint")

# The synchronous hook routes of the template, each with the function that serves it.
HOOK_ROUTES = synchronous_hook_routes()
HANDLER_EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def assert_invalid_request(body: dict[str, Any]) -> None:
    assert body["error"] == "InvalidRequest", body
    assert isinstance(body.get("field"), str), body
    assert body["field"], body
    assert isinstance(body["message"], str), body
    assert body["message"], body


@pytest.mark.parametrize("path", sorted(HOOK_ROUTES))
@HANDLER_EXAMPLES
@given(body=request_bodies)
def test_any_json_body_is_accepted_refused_by_the_hook_or_a_400_naming_the_field(invoke, path, body):
    status, answer = invoke(HOOK_ROUTES[path], http_event(f"POST {path}", body))
    event(f"{status} {answer.get('error', '')}")  # --hypothesis-show-statistics: every outcome is reached

    assert status in (200, 400, 403), answer
    if status == 200:
        assert response_validator("POST", path, 200).is_valid(answer), answer
    elif answer["error"] == "HookError":
        assert status == (403 if path == "/hooks/access" else 400)
        assert response_validator("POST", path, status).is_valid(answer), answer
    else:
        assert status == 400
        assert_invalid_request(answer)


@pytest.mark.parametrize("path", sorted(HOOK_ROUTES))
@HANDLER_EXAMPLES
@given(raw=st.text(max_size=60) | st.binary(max_size=60).map(lambda b: b.decode("latin-1")))
def test_any_text_as_a_body_is_a_400_naming_the_body_unless_it_is_a_json_object(invoke, path, raw):
    status, answer = invoke(HOOK_ROUTES[path], http_event(f"POST {path}", None, raw=raw))

    try:
        is_object = isinstance(json.loads(raw), dict)
    except ValueError:
        is_object = False
    if not is_object:
        assert status == 400
        assert_invalid_request(answer)
        assert answer["field"] == "body"
