"""The local stand-in for the user pool's managed login: the dashboard signs in locally as in AWS.

The dashboard signs users in with the authorization code flow and PKCE, against Cognito's managed
login (`/oauth2/authorize`, `/oauth2/token`, `/logout`). moto does not serve those pages, so the
local stack serves the same three endpoints under `/local` on its own origin: the sign-in page lists
the demo directory's dashboard users to pick from (no password: this is a development stack on
127.0.0.1), and the token endpoint, once the code and the PKCE verifier check out, answers with the
access token the local user pool itself issues to that user, exactly as `make token USER=kelly`
gets it. The dashboard's code path is therefore the one it runs in AWS, and the browser tests run it.

Never part of the template: only the local gateway serves it. Codes are single use, bound to the
client, the redirect URI and the code challenge, and live a minute; a redirect URI must be on the
origin the request came to, and a request whose Host is not a loopback name is refused (a page of
another site cannot reach it through DNS rebinding).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

from .demo_directory import DASHBOARD_USERS, user_token
from .http_api import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from .demo_directory import LocalPool

PREFIX = "/local"
AUTHORIZE = f"{PREFIX}/oauth2/authorize"
TOKEN = f"{PREFIX}/oauth2/token"  # noqa: S105 - a path, not a secret
LOGOUT = f"{PREFIX}/logout"
CODE_LIFETIME_S = 60.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
_AUTHORIZE_FIELDS = ("client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "scope")


@dataclass(frozen=True)
class _Grant:
    username: str
    client_id: str
    redirect_uri: str
    challenge: str
    expires: float


class LoginError(Exception):
    """A request the managed login would refuse: 400 with OAuth's error code."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code


def s256(verifier: str) -> str:
    """PKCE's S256 code challenge of `verifier`."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class LocalLogin:
    """The three endpoints for the local pool's dashboard client; `password` signs the demo users in."""

    def __init__(self, pool: LocalPool, password: str) -> None:
        self.pool = pool
        self._password = password
        self._grants: dict[str, _Grant] = {}
        self._users = {
            name: f"{department or 'no department'}, {role}" for name, (department, role) in DASHBOARD_USERS.items()
        }

    def _issue(self, username: str) -> str:
        """The access token the local pool issues to `username` (blocking: run in a thread)."""
        return user_token(self.pool, username, self._password)

    def handles(self, path: str) -> bool:
        return path in (AUTHORIZE, TOKEN, LOGOUT)

    async def answer(self, request: HttpRequest) -> HttpResponse:
        if _host_name(request.header("host") or "") not in LOOPBACK_HOSTS:
            return _page(403, "Refused", "The local sign-in answers on a loopback address only.")
        origin = f"http://{request.header('host')}"
        try:
            if request.path == AUTHORIZE and request.method == "GET":
                return self._sign_in_page(self._checked(dict(parse_qsl(request.query)), origin))
            if request.path == AUTHORIZE and request.method == "POST":
                return self._grant(dict(parse_qsl(request.body.decode("utf-8", "replace"))), origin)
            if request.path == TOKEN and request.method == "POST":
                return await self._token(dict(parse_qsl(request.body.decode("utf-8", "replace"))))
            if request.path == LOGOUT and request.method == "GET":
                return self._logout(dict(parse_qsl(request.query)), origin)
        except LoginError as error:
            if request.path == TOKEN:
                body = json.dumps({"error": error.code, "error_description": str(error)}).encode()
                return HttpResponse(400, {"content-type": "application/json", "cache-control": "no-store"}, body)
            return _page(400, "Sign-in refused", str(error))
        return _page(405, "Not allowed", "This method is not served here.")

    # ------------------------------------------------------------------ the endpoints
    def _checked(self, fields: dict[str, str], origin: str) -> dict[str, str]:
        """The authorize request's fields, once they are what Cognito would accept for this client."""
        if fields.get("response_type", "code") != "code":
            raise LoginError("unsupported_response_type", "Only the authorization code flow is served.")
        if fields.get("client_id") != self.pool.client_id:
            raise LoginError("invalid_client", "Unknown client.")
        if not _same_origin(fields.get("redirect_uri", ""), origin):
            raise LoginError("invalid_request", "The redirect URI must be on this origin.")
        if fields.get("code_challenge_method") != "S256" or len(fields.get("code_challenge", "")) < 43:
            raise LoginError("invalid_request", "A PKCE code challenge (S256) is required.")
        return {name: fields[name] for name in _AUTHORIZE_FIELDS if name in fields}

    def _sign_in_page(self, fields: dict[str, str]) -> HttpResponse:
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">' for name, value in fields.items()
        )
        choices = "".join(
            f'<li><button type="submit" name="username" value="{html.escape(name)}">'
            f"<strong>{html.escape(name)}</strong> <span>{html.escape(about)}</span></button></li>"
            for name, about in self._users.items()
        )
        body = (
            f'<form method="post" action="{AUTHORIZE}">{hidden}'
            "<fieldset><legend>Sign in as a demo user</legend>"
            f'<ul class="choices">{choices}</ul></fieldset></form>'
            "<p>This page exists only in the local stack (make run): in AWS, users sign in on the user "
            "pool's managed login.</p>"
        )
        return _page(200, "Local sign-in", body, raw=True)

    def _grant(self, fields: dict[str, str], origin: str) -> HttpResponse:
        checked = self._checked(fields, origin)
        username = fields.get("username", "")
        if username not in self._users:
            raise LoginError("access_denied", "Choose one of the demo users.")
        self._forget_expired()
        code = secrets.token_urlsafe(32)
        expires = time.time() + CODE_LIFETIME_S
        self._grants[code] = _Grant(
            username, checked["client_id"], checked["redirect_uri"], checked["code_challenge"], expires
        )
        answer = {"code": code, **({"state": checked["state"]} if "state" in checked else {})}
        return _redirect(_with_query(checked["redirect_uri"], answer))

    async def _token(self, fields: dict[str, str]) -> HttpResponse:
        if fields.get("grant_type") != "authorization_code":
            raise LoginError("unsupported_grant_type", "Only authorization_code is served.")
        grant = self._grants.pop(fields.get("code", ""), None)
        if grant is None or grant.expires < time.time():
            raise LoginError("invalid_grant", "The code is unknown, used or expired.")
        if fields.get("client_id") != grant.client_id or fields.get("redirect_uri") != grant.redirect_uri:
            raise LoginError("invalid_grant", "The code was issued to another client or redirect URI.")
        if not secrets.compare_digest(s256(fields.get("code_verifier", "")), grant.challenge):
            raise LoginError("invalid_grant", "The code verifier does not match the code challenge.")
        token = await asyncio.to_thread(self._issue, grant.username)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
        headers = {"content-type": "application/json", "cache-control": "no-store"}
        return HttpResponse(200, headers, json.dumps(body).encode())

    def _logout(self, fields: dict[str, str], origin: str) -> HttpResponse:
        if fields.get("client_id") != self.pool.client_id or not _same_origin(fields.get("logout_uri", ""), origin):
            raise LoginError("invalid_request", "Unknown client or logout URI.")
        return _redirect(fields["logout_uri"])

    def _forget_expired(self) -> None:
        now = time.time()
        for code in [code for code, grant in self._grants.items() if grant.expires < now]:
            del self._grants[code]


def _host_name(host: str) -> str:
    """The name in a Host header, without its port."""
    return host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]", 1)[0] + "]"


def _same_origin(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" == origin


def _with_query(url: str, fields: dict[str, str]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(fields)}"


def _redirect(location: str) -> HttpResponse:
    return HttpResponse(302, {"location": location, "cache-control": "no-store", "content-type": "text/plain"})


def _page(status: int, title: str, body: str, *, raw: bool = False) -> HttpResponse:
    """A small HTML page, styled by the dashboard's own stylesheet."""
    content = body if raw else f"<p>{html.escape(body)}</p>"
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{html.escape(title)}</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/css/app.css"></head>'
        f'<body class="local-login"><main><h1>{html.escape(title)}</h1>{content}</main></body></html>'
    )
    headers = {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}
    return HttpResponse(status, headers, document.encode())
