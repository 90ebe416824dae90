"""The hook routes are machine to machine: a client-credentials token is served, a user's token is 403."""

from __future__ import annotations

from typing import Any

import pytest

from dahooks.callers import MACHINE_TOKEN_REQUIRED, is_machine
from local.testing import KELLY, http_event, machine_claims, synchronous_hook_routes

AUTH0_USER = {"iss": "https://t.eu.auth0.com/", "sub": "auth0|kelly", "aud": "urn:hooks", "scope": "hooks:invoke"}
COGNITO_MACHINE = {"sub": "4pq8v2r6s0", "client_id": "4pq8v2r6s0", "token_use": "access", "scope": "rs/hooks:invoke"}
COGNITO_USER = {
    "sub": "0d9c7a1e-1111-2222-3333-444455556666",
    "client_id": "dashboardclient",
    "token_use": "access",
    "username": "kelly",
    "cognito:groups": "[delegated-admin-user]",
    "scope": "aws.cognito.signin.user.admin",
}


@pytest.mark.parametrize(
    ("claims", "machine"),
    [
        (machine_claims(), True),
        (COGNITO_MACHINE, True),
        (AUTH0_USER, False),
        ({**AUTH0_USER, "gty": "password"}, False),
        ({**AUTH0_USER, "gty": "[refresh_token password]"}, False),  # API Gateway's rendering of a list
        (COGNITO_USER, False),
        ({**COGNITO_MACHINE, "username": "kelly"}, False),  # a user's token never lacks its username
        ({**COGNITO_MACHINE, "token_use": "id"}, False),
        ({**COGNITO_MACHINE, "sub": "someone-else"}, False),
        ({"sub": "", "client_id": "", "token_use": "access"}, False),
        ({}, False),
    ],
    ids=[
        "auth0-client-credentials",
        "cognito-client-credentials",
        "auth0-user",
        "auth0-password-grant",
        "auth0-grant-list",
        "cognito-user",
        "cognito-with-username",
        "cognito-id-token",
        "cognito-subject-not-the-client",
        "empty-subject",
        "no-claims",
    ],
)
def test_a_machine_token_is_told_apart_from_a_users(claims: dict[str, Any], machine: bool) -> None:
    assert is_machine(claims) is machine


BODIES: dict[str, Any] = {
    "/hooks/filter": {"request": {"user": KELLY}},
    "/hooks/access": {"request": {"user": KELLY}, "payload": {"action": "read:user", "user": KELLY}},
    "/hooks/write": {"method": "create", "request": {"user": KELLY}, "payload": {"memberships": ["Finance"]}},
    "/hooks/memberships": {"request": {"user": KELLY}},
    "/hooks/settings": {"request": {"user": KELLY}},
    "/hooks/custom-domain": {"request": {"user": KELLY}},
    "/hooks/post-user-registration": {"user": {"id": "u1", "email": "a@example.com"}, "context": {}},
}
ROUTES = {**synchronous_hook_routes(), "/hooks/post-user-registration": "PostUserRegistrationFunction"}


@pytest.mark.parametrize("path", sorted(ROUTES))
@pytest.mark.parametrize("claims", [AUTH0_USER, COGNITO_USER, {}], ids=["auth0-user", "cognito-user", "no-claims"])
def test_a_users_token_on_a_hook_route_is_403_forbidden(invoke, path, claims):
    status, body = invoke(ROUTES[path], http_event(f"POST {path}", BODIES[path], claims=claims))

    assert status == 403
    assert body == {"error": "Forbidden", "message": MACHINE_TOKEN_REQUIRED, "requestId": "test-request"}
    assert "machine token" in body["message"]


@pytest.mark.parametrize("path", sorted(synchronous_hook_routes()))
@pytest.mark.parametrize("claims", [machine_claims(), COGNITO_MACHINE], ids=["auth0-machine", "cognito-machine"])
def test_a_machine_token_on_a_hook_route_is_served(invoke, path, claims):
    status, body = invoke(ROUTES[path], http_event(f"POST {path}", BODIES[path], claims=claims))

    assert status == 200, body
