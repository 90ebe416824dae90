"""The token matrix through the local gateway: each token an attacker (or a bug) would send, and API
Gateway's answer to it — 401 `{"message": "Unauthorized"}` before any function runs, 403
`{"message": "Forbidden"}` for a valid token without the route's scope, 200 otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from local.authorizer import LocalIssuer
from tests.hostile_fixtures.tokens import alg_none, hs256_signed_with_public_key, signed_by_another_key

ACCESS = "/hooks/access"
# Ian of IT may read anyone: with a token the authorizer accepts, the access hook answers 200.
ACCESS_BODY = {
    "request": {"user": {"user_id": "auth0|ian", "app_metadata": {"department": "IT"}}},
    "payload": {"action": "read:user", "user": {"user_id": "auth0|frank"}},
}
UNAUTHORIZED = {"message": "Unauthorized"}
FORBIDDEN = {"message": "Forbidden"}

Header = Callable[[LocalIssuer], str | None]


def bearer(mint: Callable[[LocalIssuer], str]) -> Header:
    return lambda issuer: f"Bearer {mint(issuer)}"


def minted(*scopes: str, **claims: Any) -> Header:
    return bearer(lambda issuer: issuer.mint(list(scopes), claims))


def in_seconds(delta: int) -> int:
    return int(time.time()) + delta


TOKEN_MATRIX: dict[str, tuple[Header, int, dict[str, Any] | None]] = {
    "none": (lambda issuer: None, 401, UNAUTHORIZED),
    "empty bearer": (lambda issuer: "Bearer ", 401, UNAUTHORIZED),
    "malformed": (lambda issuer: "Bearer not-a.jwt", 401, UNAUTHORIZED),
    "three garbage segments": (lambda issuer: "Bearer e30.e30.e30", 401, UNAUTHORIZED),
    "basic credentials": (lambda issuer: "Basic YWRtaW46YWRtaW4=", 401, UNAUTHORIZED),
    "alg none": (bearer(lambda issuer: alg_none(issuer, "hooks:invoke")), 401, UNAUTHORIZED),
    "HS256 signed with the public key": (
        bearer(lambda issuer: hs256_signed_with_public_key(issuer, "hooks:invoke")),
        401,
        UNAUTHORIZED,
    ),
    "signed by another key": (bearer(lambda issuer: signed_by_another_key(issuer, "hooks:invoke")), 401, UNAUTHORIZED),
    "wrong issuer": (minted("hooks:invoke", iss="https://evil.example/"), 401, UNAUTHORIZED),
    "wrong audience": (minted("hooks:invoke", aud="urn:someone-else"), 401, UNAUTHORIZED),
    "expired": (lambda issuer: minted("hooks:invoke", exp=in_seconds(-60))(issuer), 401, UNAUTHORIZED),
    "not yet valid": (lambda issuer: minted("hooks:invoke", nbf=in_seconds(600))(issuer), 401, UNAUTHORIZED),
    "missing scope": (minted("custom-data:read", "custom-data:write"), 403, FORBIDDEN),
    "no scope at all": (minted(), 403, FORBIDDEN),
    "extra scopes": (minted("hooks:invoke", "custom-data:read", "custom-data:write", "admin:everything"), 200, None),
    "exactly the scope": (minted("hooks:invoke"), 200, None),
}


@pytest.mark.parametrize("case", sorted(TOKEN_MATRIX))
def test_token_through_the_gateway_gets_api_gateways_answer(local_stack, case):
    header, status, body = TOKEN_MATRIX[case]
    authorization = header(local_stack.issuer)
    headers = {} if authorization is None else {"authorization": authorization}

    response = local_stack.request("POST", ACCESS, ACCESS_BODY, headers=headers)

    assert response.status == status, response.body
    if body is not None:
        assert response.json() == body
    else:
        assert response.json() == {"allowed": True, "user": None}


@pytest.mark.parametrize(
    ("method", "path", "scopes", "status"),
    [
        ("GET", "/custom-data", ("hooks:invoke",), 403),
        ("GET", "/custom-data", ("custom-data:write",), 403),
        ("PUT", "/custom-data", ("custom-data:read",), 403),
        ("GET", "/custom-data/history", ("hooks:invoke", "custom-data:write"), 403),
        ("POST", "/hooks/post-user-registration", ("custom-data:read", "custom-data:write"), 403),
    ],
)
def test_scope_of_another_route_is_forbidden(local_stack, method, path, scopes, status):
    body = {"data": {}} if method == "PUT" else ({"user": {"email": "a@example.com"}} if method == "POST" else None)

    response = local_stack.request(method, path, body, token=local_stack.token(*scopes))

    assert response.status == status
    assert response.json() == FORBIDDEN


def test_health_needs_no_token_and_ignores_a_bad_one(local_stack):
    assert local_stack.request("GET", "/health").status == 200
    assert local_stack.request("GET", "/health", headers={"authorization": "Bearer garbage"}).status == 200
