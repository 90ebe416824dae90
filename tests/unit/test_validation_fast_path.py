"""The write request's fast path (`_plainly_valid_write`) against the checks field by field.

The fast path may only ever say "valid" where the reference accepts; when it cannot tell, the
reference decides, so `validate_write` refuses with the same field and message on any body.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dahooks.exceptions import InvalidRequestError
from dahooks.validation import _plainly_valid_write, check_write_fields, validate_write
from local.paths import EVENTS
from tests.hostile_fixtures.strategies import json_values


def verdict(check: Any, body: Any) -> tuple[str, str] | None:
    """None when `check` accepts `body`; the 400's field and message when it refuses."""
    try:
        check(body)
    except InvalidRequestError as error:
        return error.field, str(error)
    return None


def dashboard_write() -> dict[str, Any]:
    """A write request as the dashboard sends it, with every field the checks look at."""
    body: dict[str, Any] = json.loads(json.loads((EVENTS / "write-create-own-department.json").read_text())["body"])
    body["request"]["originalUser"] = {"email": "before@example.com"}
    body["payload"]["username"] = "new.hire"
    body["locale"] = "en"
    return body


# Where the checks look: one of these set to anything, in a request otherwise valid, finds a check
# the fast path skipped (pure random bodies rarely get that far).
CHECKED = [
    ("method",),
    ("request",),
    ("payload",),
    ("userFields",),
    ("locale",),
    ("request", "user"),
    ("request", "originalUser"),
    *[("payload", name) for name in ("email", "password", "connection", "username", "user_metadata", "app_metadata")],
    ("payload", "memberships"),
    ("payload", "memberships", 0),
]


@given(
    method=st.sampled_from(["create", "update"]),
    path=st.sampled_from(CHECKED),
    value=json_values | st.sampled_from(["create", "update", {}, [], None]),
)
def test_one_field_of_any_value_in_a_dashboard_request_is_refused_alike(method, path, value):
    body = dashboard_write()
    body["method"] = method
    *parents, last = path
    target: Any = body
    for key in parents:
        target = target[key]
    target[last] = value

    assert verdict(validate_write, body) == verdict(check_write_fields, body)
    if _plainly_valid_write(body):
        assert verdict(check_write_fields, body) is None


@pytest.mark.parametrize("method", ["create", "update"])
def test_the_dashboards_write_requests_take_the_fast_path(method):
    body = dashboard_write()
    body["method"] = method

    assert _plainly_valid_write(body)


def test_an_update_without_the_user_as_it_was_is_left_to_the_checks():
    body = {"method": "update", "request": {"user": {}}, "payload": {}}

    assert not _plainly_valid_write(body)
    assert verdict(validate_write, body) == ("request.originalUser", verdict(check_write_fields, body)[1])
