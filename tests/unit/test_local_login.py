"""The local stand-in for the managed login: the authorization code flow with PKCE, as Cognito checks it."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from local.demo_directory import LocalPool
from local.http_api import HttpRequest
from local.local_login import AUTHORIZE, LOGOUT, TOKEN, LocalLogin, s256

POOL = LocalPool("http://127.0.0.1:1", "us-east-1_local", "dashboard-client")
ORIGIN = "http://127.0.0.1:3000"
VERIFIER = "a" * 43 + "-verifier"


class Login(LocalLogin):
    def _issue(self, username: str) -> str:
        return f"token-of-{username}"


def call(login: LocalLogin, method: str, path: str, fields: dict[str, str], host: str = "127.0.0.1:3000") -> Any:
    query = urlencode(fields) if method == "GET" else ""
    body = urlencode(fields).encode() if method == "POST" else b""
    target = f"{path}?{query}" if query else path
    return asyncio.run(login.answer(HttpRequest(method, target, [("host", host)], body, "127.0.0.1")))


def authorize(**overrides: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": POOL.client_id,
        "redirect_uri": f"{ORIGIN}/",
        "state": "the-state",
        "code_challenge": s256(VERIFIER),
        "code_challenge_method": "S256",
        "scope": "openid",
        **overrides,
    }


def code_for(login: LocalLogin, username: str = "kelly") -> str:
    answer = call(login, "POST", AUTHORIZE, {**authorize(), "username": username})
    assert answer.status == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["state"] == ["the-state"]
    return query["code"][0]


def exchange(login: LocalLogin, code: str, **overrides: str) -> Any:
    fields = {
        "grant_type": "authorization_code",
        "client_id": POOL.client_id,
        "code": code,
        "redirect_uri": f"{ORIGIN}/",
        "code_verifier": VERIFIER,
        **overrides,
    }
    return call(login, "POST", TOKEN, fields)


def test_the_sign_in_page_lists_the_demo_users():
    answer = call(Login(POOL, "pw"), "GET", AUTHORIZE, authorize())
    assert answer.status == 200
    page = answer.body.decode()
    for username in ("kelly", "oscar", "amy", "ian", "nora"):
        assert f'value="{username}"' in page


def test_a_code_and_its_verifier_give_the_users_token_once():
    login = Login(POOL, "pw")
    code = code_for(login)
    answer = exchange(login, code)
    assert answer.status == 200
    assert json.loads(answer.body) == {"access_token": "token-of-kelly", "token_type": "Bearer", "expires_in": 3600}
    again = exchange(login, code)
    assert (again.status, json.loads(again.body)["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    "overrides",
    [{"code_verifier": "b" * 43}, {"client_id": "another"}, {"redirect_uri": f"{ORIGIN}/elsewhere"}],
    ids=["wrong verifier", "other client", "other redirect"],
)
def test_a_code_is_bound_to_its_verifier_client_and_redirect(overrides):
    login = Login(POOL, "pw")
    answer = exchange(login, code_for(login), **overrides)
    assert (answer.status, json.loads(answer.body)["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize(
    "overrides",
    [
        {"redirect_uri": "https://evil.example/"},
        {"client_id": "another"},
        {"code_challenge_method": "plain"},
        {"code_challenge": ""},
        {"response_type": "token"},
    ],
    ids=["foreign redirect", "unknown client", "plain challenge", "no challenge", "implicit flow"],
)
def test_the_authorize_request_is_checked(overrides):
    assert call(Login(POOL, "pw"), "GET", AUTHORIZE, authorize(**overrides)).status == 400


def test_only_demo_users_and_only_loopback_hosts():
    login = Login(POOL, "pw")
    assert call(login, "POST", AUTHORIZE, {**authorize(), "username": "finance-01"}).status == 400
    assert call(login, "GET", AUTHORIZE, authorize(), host="attacker.example:3000").status == 403


def test_logout_returns_to_the_page_on_this_origin_only():
    login = Login(POOL, "pw")
    back = call(login, "GET", LOGOUT, {"client_id": POOL.client_id, "logout_uri": f"{ORIGIN}/"})
    assert (back.status, back.headers["location"]) == (302, f"{ORIGIN}/")
    assert (
        call(login, "GET", LOGOUT, {"client_id": POOL.client_id, "logout_uri": "https://evil.example/"}).status == 400
    )
