"""The local stack's JWT authorizers, over real sockets, on every route template.yaml declares.

API Gateway's answers are the contract: 401 {"message":"Unauthorized"} for no token or one it
does not accept, 403 {"message":"Forbidden"} for a valid token without the route's scope, and the
function's own answer otherwise. The users API's routes have the second authorizer: a good token
there is one the user pool issued to a dashboard user.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import jwt
import pytest

from local.authorizer import LocalIssuer
from local.paths import ROOT
from local.template import Route, Template
from local.testing import UserPool
from tests.hostile_fixtures.tokens import alg_none, hs256_signed_with_public_key, signed_by_another_key

if TYPE_CHECKING:
    from local.testing import RunningStack

ROUTES = Template().routes()
DASHBOARD_USERS = "DashboardUserAuthorizer"
UNAUTHORIZED = {"message": "Unauthorized"}
FORBIDDEN = {"message": "Forbidden"}


def _id(route: Route) -> str:
    return route.route_key


def _body_for(route: Route) -> dict | None:
    if route.method == "GET":
        return None
    return {"data": {}} if route.path == "/custom-data" else {"payload": {}, "request": {"user": {}}}


def _call(stack: RunningStack, route: Route, token: str | None) -> tuple[int, object]:
    response = stack.request(route.method, route.path, _body_for(route), token=token)
    return response.status, response.json() if response.body else None


def _good_token(stack: RunningStack, route: Route) -> str:
    """A token the route's authorizer accepts: the pool's for an administrator, or the local issuer's."""
    if route.authorizer == DASHBOARD_USERS:
        return UserPool.of_stack(stack.state_dir).token("ian")
    return stack.token(*route.scopes)


def test_the_template_declares_the_routes_under_test() -> None:
    assert {"GET /health", "POST /hooks/access", "POST /hooks/filter"} <= {route.route_key for route in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_a_good_token_reaches_the_function(local_stack: RunningStack, route: Route) -> None:
    status, body = _call(local_stack, route, _good_token(local_stack, route))
    assert body not in (UNAUTHORIZED, FORBIDDEN)
    if route.authorizer == DASHBOARD_USERS:  # the literal "{id}" is nobody: the function may say so
        assert status < 300 or "requestId" in body, body
    else:
        assert status not in (401, 403, 404, 500), body


@pytest.mark.parametrize("route", [r for r in ROUTES if r.authorized], ids=_id)
def test_no_token_is_unauthorized(local_stack: RunningStack, route: Route) -> None:
    assert _call(local_stack, route, None) == (401, UNAUTHORIZED)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.authorized], ids=_id)
def test_a_bad_signature_is_unauthorized(local_stack: RunningStack, route: Route) -> None:
    assert _call(local_stack, route, signed_by_another_key(local_stack.issuer, *route.scopes)) == (401, UNAUTHORIZED)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.authorized], ids=_id)
def test_an_expired_token_is_unauthorized(local_stack: RunningStack, route: Route) -> None:
    expired = local_stack.token(*route.scopes, iat=int(time.time()) - 7200, exp=int(time.time()) - 60)
    assert _call(local_stack, route, expired) == (401, UNAUTHORIZED)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.authorized], ids=_id)
def test_a_wrong_audience_is_unauthorized(local_stack: RunningStack, route: Route) -> None:
    token = local_stack.token(*route.scopes, aud="https://another-api.example")
    assert _call(local_stack, route, token) == (401, UNAUTHORIZED)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.scopes], ids=_id)
def test_a_token_without_the_route_scope_is_forbidden(local_stack: RunningStack, route: Route) -> None:
    others = sorted({scope for r in ROUTES for scope in r.scopes} - set(route.scopes)) or ["unrelated:scope"]
    assert _call(local_stack, route, local_stack.token(*others)) == (403, FORBIDDEN)


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.authorized], ids=_id)
def test_an_open_route_ignores_even_a_bad_token(local_stack: RunningStack, route: Route) -> None:
    status, _ = _call(local_stack, route, "not-a-jwt")
    assert status == 200


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"iss": "https://someone-else.example/"}, id="wrong-issuer"),
        pytest.param({"nbf": int(time.time()) + 3600}, id="not-yet-valid"),
        pytest.param({"aud": None}, id="no-audience"),
    ],
)
def test_other_claims_api_gateway_checks_are_checked(local_stack: RunningStack, claims: dict) -> None:
    token = local_stack.token("hooks:invoke", **claims)
    response = local_stack.request("POST", "/hooks/settings", {}, token=token)
    assert (response.status, response.json()) == (401, UNAUTHORIZED)


def test_unsigned_and_hmac_tokens_are_unauthorized(local_stack: RunningStack) -> None:
    unsigned = alg_none(local_stack.issuer, "hooks:invoke")
    hmac_with_public_key = hs256_signed_with_public_key(local_stack.issuer, "hooks:invoke")  # key confusion
    for token in (unsigned, hmac_with_public_key, "Bearer", "garbage.garbage.garbage"):
        response = local_stack.request("POST", "/hooks/settings", {}, token=token)
        assert (response.status, response.json()) == (401, UNAUTHORIZED)


def test_an_unknown_route_is_not_found(local_stack: RunningStack) -> None:
    response = local_stack.request("POST", "/hooks/unknown", {}, token=local_stack.token("hooks:invoke"))
    assert (response.status, response.json()) == (404, {"message": "Not Found"})


def test_make_token_prints_a_token_the_stack_accepts_with_its_claims(local_stack: RunningStack) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "local.dev_token", "--scopes", "hooks:invoke custom-data:read"]
        + ["--claims", '{"app_metadata": {"department": "Finance"}}', "--state-dir", str(local_stack.state_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    token = completed.stdout.strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["app_metadata"] == {"department": "Finance"}
    assert claims["scope"] == "hooks:invoke custom-data:read"
    assert local_stack.request("GET", "/custom-data", token=token).status == 200


def test_the_dev_token_has_every_scope_of_the_template(local_stack: RunningStack) -> None:
    token = Path(local_stack.ready["token_file"]).read_text().strip()
    scopes = set(jwt.decode(token, options={"verify_signature": False})["scope"].split())
    assert scopes == {scope for route in ROUTES for scope in route.scopes}
    for route in ROUTES:
        if route.authorizer == DASHBOARD_USERS:  # a machine's token is no dashboard user's
            assert _call(local_stack, route, token) == (401, UNAUTHORIZED)
        else:
            assert _call(local_stack, route, token)[0] not in (401, 403)


def test_a_token_minted_for_another_issuer_key_pair_is_unauthorized(local_stack: RunningStack, tmp_path: Path) -> None:
    stranger = LocalIssuer(tmp_path)  # same issuer name and audience, its own key pair
    response = local_stack.request("POST", "/hooks/settings", {}, token=stranger.mint(["hooks:invoke"]))
    assert (response.status, response.json()) == (401, UNAUTHORIZED)
