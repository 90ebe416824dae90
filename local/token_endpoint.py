"""`POST /oauth/token` on the local gateway: the client-credentials grant, answered as Auth0 answers it.

What a machine client (the extension's forwarding hooks, a server calling /hooks/*) does in
production against its issuer's token endpoint, it can do against the local stack: send
`grant_type=client_credentials` with its `client_id` and `client_secret` (form-encoded or JSON, as
Auth0 takes them; or the id and secret in a Basic Authorization header, as Cognito's endpoint
does) and an optional `audience` and `scope`, and get
`{"access_token", "token_type": "Bearer", "expires_in", "scope"}`: a machine token of the local
issuer, with every scope of the API unless it asked for fewer.

Failures follow RFC 6749 section 5.2 with Auth0's wording where it has one: 400
`invalid_request` or `unsupported_grant_type`, 401 `invalid_client` (wrong id or secret), 403
`access_denied` (an audience the issuer does not serve), 400 `invalid_scope`. No answer, and no
access log line, ever holds the secret.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from .http_api import HttpResponse

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .authorizer import LocalIssuer
    from .http_api import HttpRequest
    from .machine_client import MachineClient

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, Auth0's
TOKEN_LIFETIME_S = 86400  # Auth0's default for an API's tokens
_NO_STORE = {"content-type": "application/json", "cache-control": "no-store", "pragma": "no-cache"}


class _Refusal(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error


class TokenEndpoint:
    """Issues `client`'s tokens for `issuer`, with at most `scopes`."""

    def __init__(self, issuer: LocalIssuer, client: MachineClient, scopes: Sequence[str]) -> None:
        self.issuer = issuer
        self.client = client
        self.scopes = tuple(scopes)

    def answer(self, request: HttpRequest) -> tuple[HttpResponse, str]:
        """The response, and for a refusal its error code (for the access log: never a credential)."""
        try:
            token, scopes = self._grant(request)
        except _Refusal as refusal:
            refused = {"error": refusal.error, "error_description": str(refusal)}
            return _json(refusal.status, refused), refusal.error
        body: dict[str, Any] = {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S}
        return _json(200, {**body, "scope": scopes}), ""

    def _grant(self, request: HttpRequest) -> tuple[str, str]:
        parameters = _parameters(request)
        if parameters.get("grant_type") != "client_credentials":
            grant = parameters.get("grant_type") or "(none)"
            raise _Refusal(400, "unsupported_grant_type", f"Unsupported grant type: {grant[:40]}")
        client_id, client_secret = _credentials(request, parameters)
        if not self.client.authenticates(client_id, client_secret):
            raise _Refusal(401, "invalid_client", "Unauthorized")
        audience = parameters.get("audience") or self.issuer.audience
        if audience != self.issuer.audience:
            raise _Refusal(403, "access_denied", f"Service not found: {audience[:200]}")
        asked = parameters.get("scope", "").split()
        unknown = sorted(set(asked) - set(self.scopes))
        if unknown:
            raise _Refusal(400, "invalid_scope", f"Scopes not allowed for this client: {' '.join(unknown)[:200]}")
        scopes = asked or list(self.scopes)
        token = self.issuer.mint(scopes, self.client.claims(), TOKEN_LIFETIME_S)
        return token, " ".join(scopes)


def _parameters(request: HttpRequest) -> dict[str, str]:
    content_type = (request.header("content-type") or "").split(";", 1)[0].strip().lower()
    try:
        text = request.body.decode("utf-8")
        if content_type == "application/json":
            document: Any = json.loads(text)
            if not isinstance(document, dict):
                raise ValueError("not an object")
            return {str(name): str(value) for name, value in document.items() if isinstance(value, (str, int))}
        return dict(parse_qsl(text, keep_blank_values=True))
    except ValueError:
        raise _Refusal(400, "invalid_request", "The body is neither a form nor a JSON object.") from None


def _credentials(request: HttpRequest, parameters: dict[str, str]) -> tuple[str, str]:
    """The client's id and secret: from a Basic Authorization header, or from the body (not both)."""
    authorization = request.header("authorization") or ""
    if not authorization:
        return parameters.get("client_id", ""), parameters.get("client_secret", "")
    if "client_secret" in parameters or authorization[:6].lower() != "basic ":
        raise _Refusal(400, "invalid_request", "Send the client's credentials once: in the body or as Basic.")
    try:
        client_id, _, client_secret = base64.b64decode(authorization[6:].strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise _Refusal(401, "invalid_client", "Unauthorized") from None
    return client_id, client_secret


def _json(status: int, body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(status, dict(_NO_STORE), json.dumps(body, separators=(",", ":")).encode())
