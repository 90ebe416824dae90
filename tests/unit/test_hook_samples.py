"""The shipped hook samples behave as the original documentation's, through the real handlers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from local.testing import IAN, KELLY, NADIA, http_event

FRANK = {"user_id": "auth0|frank", "app_metadata": {"department": "Finance"}}
HANA = {"user_id": "auth0|hana", "app_metadata": {"department": "HR"}}
NO_DEPARTMENT_MESSAGE = "The current user is not part of any department."


def access(caller: dict[str, Any], action: str, user: dict[str, Any]) -> dict[str, Any]:
    return http_event("POST /hooks/access", {"request": {"user": caller}, "payload": {"action": action, "user": user}})


@pytest.mark.parametrize(
    ("caller", "action", "user", "status", "message"),
    [
        (KELLY, "read:user", FRANK, 200, None),
        (KELLY, "change:profile", FRANK, 200, None),
        (IAN, "read:user", HANA, 200, None),
        (IAN, "block:user", NADIA, 200, None),
        (KELLY, "delete:user", FRANK, 403, "You are not allowed to delete users."),
        (IAN, "delete:user", HANA, 403, "You are not allowed to delete users."),
        (NADIA, "read:user", FRANK, 403, NO_DEPARTMENT_MESSAGE),
        ({"user_id": "x", "app_metadata": {"department": ""}}, "read:user", FRANK, 403, NO_DEPARTMENT_MESSAGE),
        (KELLY, "read:user", HANA, 403, "You can only access users within your own department."),
        (KELLY, "reset:password", NADIA, 403, "You can only access users within your own department."),
    ],
)
def test_access_sample(invoke, caller, action, user, status, message):
    code, body = invoke("AccessFunction", access(caller, action, user))

    assert code == status
    if message is None:
        assert body == {"allowed": True, "user": None}
    else:
        assert body["error"] == "HookError"
        assert body["message"] == message


NEW_USER = {
    "email": "new.hire@example.com",
    "password": "Corr3ct-Horse-Battery",
    "connection": "Username-Password-Authentication",
    "user_metadata": {"name": "New Hire"},
    "app_metadata": {"employee_id": 4711},
}


def write(caller: dict[str, Any], memberships: list[str] | None, **extra: Any) -> dict[str, Any]:
    payload = {**NEW_USER, **({} if memberships is None else {"memberships": memberships})}
    return http_event(
        "POST /hooks/write", {"method": "create", "request": {"user": caller}, "payload": payload, **extra}
    )


@pytest.mark.parametrize(
    ("caller", "memberships", "message"),
    [
        (KELLY, None, "The user must be created within a department."),
        (KELLY, [], "The user must be created within a department."),
        (NADIA, ["Finance"], NO_DEPARTMENT_MESSAGE),
        (KELLY, ["HR"], "You can only create users within your own department."),
        (KELLY, ["HR", "Finance"], "You can only create users within your own department."),
    ],
)
def test_write_sample_refuses(invoke, caller, memberships, message):
    status, body = invoke("WriteFunction", write(caller, memberships))

    assert status == 400
    assert (body["error"], body["message"]) == ("HookError", message)


# The settings' userFields that let a dashboard user set NEW_USER's metadata when creating a user.
CREATE_FIELDS = [
    {"property": "app_metadata.employee_id", "label": "Employee id", "create": True},
    {"property": "user_metadata.name", "label": "Name", "create": {"type": "text", "required": True}},
]


@pytest.mark.parametrize(("caller", "department"), [(KELLY, "Finance"), (IAN, "HR"), (IAN, "IT")])
def test_write_sample_creates_user_in_the_first_membership(invoke, caller, department):
    status, body = invoke("WriteFunction", write(caller, [department], userFields=CREATE_FIELDS))

    assert status == 200
    assert body["user"] == {
        "email": NEW_USER["email"],
        "password": NEW_USER["password"],
        "connection": NEW_USER["connection"],
        "user_metadata": {"name": "New Hire"},
        "app_metadata": {"employee_id": 4711, "department": department},
    }


@pytest.mark.parametrize(
    "user_fields",
    [
        [],
        [{"property": "app_metadata.employee_id", "edit": True}, {"property": "user_metadata.name", "edit": True}],
        [
            {"property": "app_metadata.employee_id", "create": False},
            {"property": "user_metadata.name", "display": True},
        ],
        [{"property": "employee_id", "create": True}, {"property": "name", "create": True}],
    ],
    ids=["no-user-fields", "edit-only", "not-creatable", "not-metadata"],
)
def test_write_sample_drops_metadata_the_user_fields_do_not_let_the_caller_create(invoke, user_fields):
    status, body = invoke("WriteFunction", write(KELLY, ["Finance"], userFields=user_fields))

    assert status == 200
    assert body["user"]["app_metadata"] == {"department": "Finance"}
    assert "user_metadata" not in body["user"]


def test_write_sample_keeps_only_the_allowed_keys_of_metadata_the_caller_sends(invoke):
    event = write(
        KELLY, ["Finance"], userFields=CREATE_FIELDS + [{"property": "user_metadata.address.city", "create": True}]
    )
    body = json.loads(event["body"])
    body["payload"]["app_metadata"] = {"employee_id": 7, "role": "admin", "roles": ["delegated-admin-administrator"]}
    body["payload"]["user_metadata"] = {"name": "N", "address": {"city": "Oslo", "street": "x"}, "theme": "dark"}
    event["body"] = json.dumps(body)

    status, answer = invoke("WriteFunction", event)

    assert status == 200
    assert answer["user"]["app_metadata"] == {"employee_id": 7, "department": "Finance"}
    assert answer["user"]["user_metadata"] == {"name": "N", "address": {"city": "Oslo"}}


def test_write_sample_ignores_a_department_smuggled_in_app_metadata(invoke):
    may_edit_department = [{"property": "app_metadata.department", "create": True, "edit": True}]
    event = write(KELLY, ["Finance"], userFields=may_edit_department)
    event["body"] = event["body"].replace('"employee_id": 4711', '"department": "IT"')

    status, body = invoke("WriteFunction", event)

    assert status == 200
    assert body["user"]["app_metadata"] == {"department": "Finance"}


def test_write_sample_on_update_keeps_only_editable_metadata(invoke):
    original = {"email": "frank@example.com", "app_metadata": {"department": "Finance", "employee_id": 1}}
    payload = {
        "email": "frank@example.com",
        "app_metadata": {"employee_id": 2, "cost_center": "C-9", "role": "admin"},
        "memberships": ["Finance"],
    }
    user_fields = [
        {"property": "app_metadata.employee_id", "edit": {"type": "text"}},
        {"property": "app_metadata.cost_center", "create": True, "edit": False},
    ]
    event = http_event(
        "POST /hooks/write",
        {
            "method": "update",
            "request": {"user": KELLY, "originalUser": original},
            "payload": payload,
            "userFields": user_fields,
        },
    )

    status, body = invoke("WriteFunction", event)

    assert status == 200
    assert body == {"user": {"app_metadata": {"employee_id": 2, "department": "Finance"}}}


def test_write_sample_on_update_sends_only_changed_fields(invoke):
    original = {
        "email": "frank@example.com",
        "connection": "Username-Password-Authentication",
        "user_metadata": {"name": "Frank"},
        "app_metadata": {"department": "Finance"},
    }
    payload = {
        "email": "frank.new@example.com",
        "connection": "Username-Password-Authentication",
        "user_metadata": {"name": "Frank"},
        "memberships": ["Finance"],
    }
    event = http_event(
        "POST /hooks/write",
        {"method": "update", "request": {"user": KELLY, "originalUser": original}, "payload": payload},
    )

    status, body = invoke("WriteFunction", event)

    assert status == 200
    assert body == {"user": {"email": "frank.new@example.com"}}


def filter_event(caller: dict[str, Any]) -> dict[str, Any]:
    return http_event("POST /hooks/filter", {"request": {"user": caller}})


@pytest.mark.parametrize(
    ("department", "query"),
    [
        ("Finance", 'app_metadata.department:"Finance"'),
        ('Fin" OR name:"*', 'app_metadata.department:"Fin\\" OR name:\\"*"'),
        ("R&D (EU)", 'app_metadata.department:"R&D (EU)"'),
        ("back\\slash", 'app_metadata.department:"back\\\\slash"'),
    ],
)
def test_filter_sample_limits_to_own_department_quoted_safely(invoke, department, query):
    status, body = invoke("FilterFunction", filter_event({"app_metadata": {"department": department}}))

    assert (status, body) == (200, {"query": query})


def test_filter_sample_lets_it_see_everyone(invoke):
    assert invoke("FilterFunction", filter_event(IAN)) == (200, {"query": None})


def test_filter_sample_refuses_caller_without_department(invoke):
    status, body = invoke("FilterFunction", filter_event(NADIA))

    assert (status, body["error"], body["message"]) == (400, "HookError", NO_DEPARTMENT_MESSAGE)


def test_settings_sample_names_the_department(invoke):
    status, body = invoke("SettingsFunction", http_event("POST /hooks/settings", {"request": {"user": KELLY}}))

    assert status == 200
    settings = body["settings"]
    assert settings["dict"]["title"] == "Finance User Management"
    assert settings["canCreateUser"] is True
    assert {"property": "app_metadata.department", "label": "Department", "display": True, "edit": False} in settings[
        "userFields"
    ]


def test_settings_sample_without_department_cannot_create_users(invoke):
    status, body = invoke("SettingsFunction", http_event("POST /hooks/settings", {"request": {"user": NADIA}}))

    assert status == 200
    assert body["settings"]["dict"]["title"] == "User Management"
    assert body["settings"]["canCreateUser"] is False


def test_custom_domain_sample_is_not_configured(invoke):
    event = http_event("POST /hooks/custom-domain", {"request": {"user": KELLY}})

    assert invoke("CustomDomainFunction", event) == (200, {})
