"""The settings hook's userFields shape create and update bodies as the original's did."""

from __future__ import annotations

import pytest

from dahooks.exceptions import InvalidRequestError
from dahooks.users_api.user_fields import for_create, for_update

DEPARTMENT_SHOWN_NOT_EDITED = [{"property": "app_metadata.department", "label": "Department", "display": True}]
BODY = {
    "email": "new@example.com",
    "memberships": ["Finance"],
    "app_metadata": {"department": "HR", "cost_centre": "7"},
    "user_metadata": {"nickname": "Al"},
}


def test_without_user_fields_the_body_passes_as_sent():
    assert for_create(BODY, None) is BODY
    assert for_update(BODY, "not a list") is BODY


def test_a_field_not_marked_for_create_is_dropped_nested_paths_included():
    payload = for_create(BODY, DEPARTMENT_SHOWN_NOT_EDITED)

    assert payload["app_metadata"] == {"cost_centre": "7"}
    assert payload["email"] == "new@example.com"  # not a user field: untouched
    assert BODY["app_metadata"]["department"] == "HR"  # the body itself is not changed


def test_on_update_only_editable_non_identity_fields_are_kept():
    fields = [
        {"property": "user_metadata.nickname", "edit": True},
        {"property": "email", "edit": True},  # e-mail has its own route: never a profile change
        {"property": "app_metadata.department", "edit": False},
    ]

    payload = for_update({**BODY, "email": "other@example.com"}, fields)

    assert payload["user_metadata"] == {"nickname": "Al"}
    assert "email" not in payload
    assert "department" not in payload["app_metadata"]


def test_required_fields_and_options_are_checked_with_their_labels():
    fields = [
        {"property": "user_metadata.title", "label": "Title", "create": {"required": True}},
        {"property": "user_metadata.team", "label": "Team", "create": {"options": ["red", {"value": "blue"}]}},
    ]

    with pytest.raises(InvalidRequestError, match="Title: required") as refused:
        for_create({"user_metadata": {"team": "green"}}, fields)

    assert "Team: green is not an allowed option" in str(refused.value)
    assert for_create({"user_metadata": {"title": "Dr", "team": "blue"}}, fields)["user_metadata"]["team"] == "blue"


def test_a_javascript_validation_function_is_skipped_not_run():
    fields = [{"property": "email", "create": {"validationFunction": "function(v) { return 'no'; }"}}]

    assert for_create({"email": "a@example.com"}, fields) == {"email": "a@example.com"}
