"""The delegated users API over the local stack: real sockets, the gateway's second authorizer on the user
pool's keys, the users function in its workers, the Cognito emulator with the demo directory.

Every dashboard user acts with a token the pool itself issued, as `make token USER=...` prints it;
what the directory really holds is read from the emulator directly (`UserPool.users`), so a
listing is checked against the truth rather than against a list written here. Tests that change
users change users of their own (created in the pool behind the API's back, as an administrator
would in the Cognito console), so that they do not depend on one another's order.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from local.paths import ROOT
from local.testing import SEARCHES_THAT_TRY_TO_ESCAPE, UserPool

if TYPE_CHECKING:
    from local.testing import Response, RunningStack

PASSWORD = "Matrix-password-1"  # noqa: S105 - a test user's, in a pool that lives for the session


@pytest.fixture(scope="module")
def pool(local_stack: RunningStack) -> UserPool:
    """The stack's demo directory, with this module's own users: a target per role, and a caller
    with a department but no role."""
    user_pool = UserPool.of_stack(local_stack.state_dir)
    for username, department, groups in [
        ("rolf", "Finance", ()),  # in Finance, in no role group
        ("target-auditor", "HR", ()),
        ("target-user", "Finance", ()),
        ("target-operator", "Finance", ()),
        ("target-administrator", "IT", ()),
        ("target-none", "Finance", ()),
    ]:
        user_pool.add(username, department, *groups)
    return user_pool


def call(stack: RunningStack, pool: UserPool, method: str, path: str, user: str, body: Any = None) -> Response:
    return stack.request(method, path, body, token=pool.token(user))


def walk(stack: RunningStack, pool: UserPool, user: str, query: str) -> tuple[list[dict[str, Any]], int]:
    """Every page of a listing, following `next`: the users in order, and how many pages.

    With the shipped hooks the filter alone keeps the listing to what the access hook allows, so no
    page hides a row: a hidden row would mean the filter let through someone it should not have.
    """
    users: list[dict[str, Any]] = []
    cursor, pages = None, 0
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        answer = call(stack, pool, "GET", f"/api/users?{query}{suffix}", user)
        assert answer.status == 200, answer.body
        pages += 1
        users += answer.json()["users"]
        assert answer.json()["hidden"] == 0
        cursor = answer.json()["next"]
        if cursor is None:
            return users, pages


def department_of(user: dict[str, Any]) -> str | None:
    return (user.get("app_metadata") or {}).get("department")


# --------------------------------------------------------------------------- every route, every role

ROLES = {"auditor": "amy", "user": "kelly", "operator": "oscar", "administrator": "ian", "none": "rolf"}
DEPARTMENTS = {"auditor": "HR", "user": "Finance", "operator": "Finance", "administrator": "IT", "none": "Finance"}
# The permissions each role has (the original's four roles; "none": in no role group).
PERMISSIONS = {
    "auditor": {"read:users"},
    "user": {"read:users", "manage:users"},
    "operator": {"read:users", "manage:users", "read:logs"},
    "administrator": {"read:users", "manage:users", "read:logs", "manage:config"},
    "none": set(),
}


@dataclass(frozen=True)
class Case:
    """A call of one route, on the role's own target (`{t}`), and what a role that may call it gets."""

    method: str
    path: str
    status: int
    error: str | None = None
    body: dict[str, Any] | None = None
    permission: str = ""

    def needs(self) -> str:
        return self.permission or ("read:users" if self.method == "GET" else "manage:users")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


CASES = [
    Case("GET", "/api/users", 200),
    Case("GET", "/api/me", 200),
    Case("GET", "/api/settings", 200),
    Case("GET", "/api/logs", 200, permission="read:logs"),
    Case("GET", "/api/users/{t}", 200),
    Case("GET", "/api/users/{t}/devices", 200),
    Case("GET", "/api/users/{t}/logs", 200),
    Case("POST", "/api/users", 201, body={"email": "made-by-{role}@example.com", "memberships": ["{department}"]}),
    Case("PATCH", "/api/users/{t}", 200, body={"memberships": ["{department}"]}),
    Case("DELETE", "/api/users/{t}", 403, "HookError"),
    Case("POST", "/api/users/{t}/password-reset", 204),
    Case("PUT", "/api/users/{t}/change-password", 204, body={"password": PASSWORD, "repeatPassword": PASSWORD}),
    Case("PUT", "/api/users/{t}/change-username", 400, "NotSupported", body={"username": "renamed-{role}"}),
    Case("PUT", "/api/users/{t}/change-email", 200, body={"email": "{t}.moved@example.com"}),
    Case("PUT", "/api/users/{t}/block", 204),
    Case("PUT", "/api/users/{t}/unblock", 204),
    Case("DELETE", "/api/users/{t}/multifactor/sms", 204),
    Case("POST", "/api/users/{t}/send-verification-email", 400, "NotSupported"),
]


def _filled(value: Any, role: str) -> Any:
    if isinstance(value, str):
        return value.format(t=f"target-{role}", role=role, department=DEPARTMENTS[role])
    if isinstance(value, list):
        return [_filled(item, role) for item in value]
    if isinstance(value, dict):
        return {key: _filled(item, role) for key, item in value.items()}
    return value


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_route_by_role(local_stack, pool, case, role):
    # The body of a create carries a password the pool accepts.
    body = _filled(case.body, role)
    if case.method == "POST" and case.path == "/api/users":
        body = {**body, "password": PASSWORD, "repeatPassword": PASSWORD}

    answer = call(local_stack, pool, case.method, _filled(case.path, role), ROLES[role], body)

    if case.needs() not in PERMISSIONS[role]:
        assert (answer.status, answer.json()["error"]) == (403, "Forbidden"), answer.body
        assert answer.json()["message"] == f"Cannot perform action. Missing permission {case.needs()}."
    else:
        assert answer.status == case.status, answer.body
        if case.error:
            assert answer.json()["error"] == case.error
        if answer.status == 204:
            assert answer.body == b""


# --------------------------------------------------------------------------- the seed samples, as the original


def test_kelly_lists_exactly_the_finance_users(local_stack, pool):
    listed, _ = walk(local_stack, pool, "kelly", "per_page=100")

    finance = {user["user_id"] for user in pool.users() if department_of(user) == "Finance"}
    assert sorted(user["user_id"] for user in listed) == sorted(finance)
    assert {"finance-01", "finance-10", "kelly", "oscar"} <= finance


def test_ian_lists_everyone(local_stack, pool):
    listed, pages = walk(local_stack, pool, "ian", "per_page=100")

    assert sorted(user["user_id"] for user in listed) == sorted(user["user_id"] for user in pool.users())
    assert pages >= 1


def test_amy_reads_but_cannot_change(local_stack, pool):
    assert call(local_stack, pool, "GET", "/api/users/hr-01", "amy").status == 200

    answer = call(local_stack, pool, "PUT", "/api/users/hr-01/block", "amy")

    assert (answer.status, answer.json()["message"]) == (403, "Cannot perform action. Missing permission manage:users.")
    assert call(local_stack, pool, "GET", "/api/users/hr-01", "amy").json()["user"]["blocked"] is False


def test_nora_is_refused_with_the_originals_message(local_stack, pool):
    answer = call(local_stack, pool, "GET", "/api/users", "nora")

    assert (answer.status, answer.json()["error"]) == (403, "HookError")
    assert answer.json()["message"] == "The current user is not part of any department."


def test_kelly_cannot_read_an_hr_user(local_stack, pool):
    answer = call(local_stack, pool, "GET", "/api/users/hr-01", "kelly")

    assert answer.status == 403
    assert answer.json()["message"] == "You can only access users within your own department."


def test_kelly_cannot_delete_anyone(local_stack, pool):
    answer = call(local_stack, pool, "DELETE", "/api/users/finance-01", "kelly")

    assert (answer.status, answer.json()["message"]) == (403, "You are not allowed to delete users.")
    assert pool.exists("finance-01")


def test_kelly_cannot_create_in_hr(local_stack, pool):
    body = {"email": "kelly.hr.hire@example.com", "password": PASSWORD, "repeatPassword": PASSWORD}

    answer = call(local_stack, pool, "POST", "/api/users", "kelly", {**body, "memberships": ["HR"]})

    assert (answer.status, answer.json()["message"]) == (400, "You can only create users within your own department.")
    assert not pool.exists("kelly.hr.hire@example.com")


def test_kelly_creates_in_finance_and_finds_the_new_user_by_search(local_stack, pool):
    body = {"email": "Kelly.Hire@Example.com", "password": PASSWORD, "repeatPassword": PASSWORD}

    created = call(local_stack, pool, "POST", "/api/users", "kelly", {**body, "memberships": ["Finance"]})
    found = call(local_stack, pool, "GET", '/api/users?search=email:"kelly.hire@example.com"', "kelly")

    assert created.status == 201, created.body
    assert created.json()["user"]["app_metadata"] == {"department": "Finance"}
    assert [user["email"] for user in found.json()["users"]] == ["kelly.hire@example.com"]


def test_block_and_unblock_round_trip(local_stack, pool):
    pool.add("round-trip", "Finance", "delegated-admin-user")
    token = pool.token("round-trip", fresh=True)

    assert call(local_stack, pool, "PUT", "/api/users/round-trip/block", "kelly").status == 204
    blocked = call(local_stack, pool, "GET", "/api/users/round-trip", "kelly").json()["user"]
    refused = local_stack.request("GET", "/api/me", token=token)
    assert call(local_stack, pool, "PUT", "/api/users/round-trip/unblock", "kelly").status == 204
    unblocked = call(local_stack, pool, "GET", "/api/users/round-trip", "kelly").json()["user"]

    assert (blocked["blocked"], unblocked["blocked"]) == (True, False)
    assert (refused.status, refused.json()["message"]) == (401, "The user of this token is blocked.")
    assert local_stack.request("GET", "/api/me", token=token).status == 200


# --------------------------------------------------------------------------- search never escapes the filter


@pytest.mark.parametrize("search", SEARCHES_THAT_TRY_TO_ESCAPE)
def test_a_search_that_tries_to_escape_the_filter_is_refused_or_stays_in_finance(local_stack, pool, search):
    answer = local_stack.request("GET", "/api/users?per_page=100&search=" + _quoted(search), token=pool.token("kelly"))

    if answer.status == 400:
        assert answer.json()["error"] in ("InvalidSearch", "InvalidRequest")
    else:
        assert answer.status == 200, answer.body
        assert {department_of(user) for user in answer.json()["users"]} <= {"Finance"}
        assert answer.json()["hidden"] == 0  # the filter, not the access hook, kept the others out


def _quoted(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


# --------------------------------------------------------------------------- pagination


@pytest.mark.parametrize(
    ("user", "search", "per_page", "wanted"),
    [
        # Read from Finance's group, three at a time, most rows of a chunk filtered out in code.
        ("kelly", "email:*0*", 3, lambda u: department_of(u) == "Finance" and "0" in u.get("email", "")),
        # Read from every user, seven at a time, the employees among them.
        ("ian", "name:*employee*", 7, lambda u: "employee" in u.get("name", "").lower()),
    ],
    ids=["department-admin", "administrator"],
)
def test_paging_partially_filtered_pages_lists_every_permitted_user_exactly_once(
    local_stack, pool, user, search, per_page, wanted
):
    listed, pages = walk(local_stack, pool, user, f"per_page={per_page}&search={_quoted(search)}")

    ids = [row["user_id"] for row in listed]
    assert len(ids) == len(set(ids))  # nobody twice
    assert sorted(ids) == sorted(row["user_id"] for row in pool.users() if wanted(row))
    assert pages > 2


def test_a_tampered_cursor_is_refused(local_stack, pool):
    first = call(local_stack, pool, "GET", "/api/users?per_page=2", "kelly").json()
    body, _, mac = first["next"].partition(".")
    payload = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload[-2] ^= 1  # one bit of the position

    other_mac_char = "B" if first["next"].endswith("A") else "A"
    for cursor in (_b64(bytes(payload)) + "." + mac, first["next"][:-1] + other_mac_char, "garbage"):
        answer = call(local_stack, pool, "GET", f"/api/users?per_page=2&cursor={_quoted(cursor)}", "kelly")
        assert (answer.status, answer.json().get("field")) == (400, "cursor"), cursor


def test_another_callers_cursor_is_refused(local_stack, pool):
    everyone = call(local_stack, pool, "GET", "/api/users?per_page=2", "ian").json()["next"]

    answer = call(local_stack, pool, "GET", f"/api/users?per_page=2&cursor={_quoted(everyone)}", "kelly")

    assert (answer.status, answer.json()["field"]) == (400, "cursor")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# --------------------------------------------------------------------------- who acts


def test_a_forged_identity_in_the_body_is_ignored(local_stack, pool):
    forged = {
        "request": {"user": {"user_id": "ian", "app_metadata": {"department": "IT"}}},
        "user": {"user_id": "ian", "app_metadata": {"department": "IT"}},
        "caller": "ian",
        "email": "forged.hire@example.com",
        "password": PASSWORD,
        "repeatPassword": PASSWORD,
        "memberships": ["HR"],
    }

    answer = call(local_stack, pool, "POST", "/api/users", "kelly", forged)
    listed = local_stack.request("GET", "/api/users?per_page=100", forged, token=pool.token("kelly"))

    assert (answer.status, answer.json()["message"]) == (400, "You can only create users within your own department.")
    assert not pool.exists("forged.hire@example.com")
    assert {department_of(user) for user in listed.json()["users"]} == {"Finance"}


def test_a_token_for_a_user_deleted_since_is_refused(local_stack, pool):
    pool.add("deleted-since", "Finance", "delegated-admin-user")
    token = pool.token("deleted-since", fresh=True)

    pool.remove("deleted-since")
    answer = local_stack.request("GET", "/api/users", token=token)

    assert (answer.status, answer.json()["error"]) == (401, "Unauthorized")
    assert answer.json()["message"] == "The user of this token no longer exists."


def test_a_token_of_a_user_whose_name_was_taken_again_is_refused(local_stack, pool):
    pool.add("name-reused", "Finance", "delegated-admin-user")
    old_token = pool.token("name-reused", fresh=True)
    pool.remove("name-reused")
    time.sleep(1.1)  # `iat` counts whole seconds: the new user is created in a later one
    pool.add("name-reused", "HR", "delegated-admin-administrator")

    assert local_stack.request("GET", "/api/me", token=old_token).status == 401
    assert local_stack.request("GET", "/api/me", token=pool.token("name-reused", fresh=True)).status == 200


def test_an_id_token_or_a_development_token_is_refused(local_stack, pool):
    id_token = pool.raw.admin_initiate_auth(
        UserPoolId=pool.pool.pool_id,
        ClientId=pool.pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "kelly", "PASSWORD": pool.password},
    )["AuthenticationResult"]["IdToken"]

    by_id_token = local_stack.request("GET", "/api/me", token=id_token)
    by_dev_token = local_stack.request("GET", "/api/me", token=local_stack.token("hooks:invoke", username="kelly"))
    by_none = local_stack.request("GET", "/api/me")

    assert (by_id_token.status, by_id_token.json()["error"]) == (401, "Unauthorized")  # the function's
    assert by_dev_token.json() == by_none.json() == {"message": "Unauthorized"}  # the gateway's
    assert by_dev_token.status == by_none.status == 401


def test_make_token_prints_a_token_of_the_pool_the_stack_accepts(local_stack, pool):
    completed = subprocess.run(
        [sys.executable, "-m", "local.dev_token", "--user", "oscar", "--state-dir", str(local_stack.state_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    me = local_stack.request("GET", "/api/me", token=completed.stdout.strip())

    assert me.status == 200
    assert (me.json()["user"]["user_id"], me.json()["role"]) == ("oscar", "operator")


# --------------------------------------------------------------------------- audit


def test_changes_and_refusals_are_in_the_audit_log_newest_first(local_stack, pool):
    pool.add("audited", "Finance")
    call(local_stack, pool, "DELETE", "/api/users/audited", "kelly")  # refused by the access hook
    call(local_stack, pool, "PUT", "/api/users/audited/block", "kelly")
    call(local_stack, pool, "PUT", "/api/users/audited/unblock", "oscar")

    own = call(local_stack, pool, "GET", "/api/users/audited/logs", "oscar").json()["logs"]
    everything = call(local_stack, pool, "GET", "/api/logs?per_page=100", "ian").json()["logs"]

    assert [(r["who"], r["action"], r["outcome"]) for r in own] == [
        ("oscar", "unblock:user", "succeeded"),
        ("kelly", "block:user", "succeeded"),
        ("kelly", "delete:user", "refused"),
    ]
    assert own[2]["message"] == "You are not allowed to delete users."
    assert all(record["requestId"] for record in own)
    times = [record["time"] for record in everything]
    assert times == sorted(times, reverse=True)
    assert {record["requestId"] for record in own} <= {record["requestId"] for record in everything}
