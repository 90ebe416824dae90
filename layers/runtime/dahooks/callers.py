"""Who a verified token stands for: a program (a client-credentials token) or a person.

API Gateway's JWT authorizer checks the issuer, audience, expiry and scopes; whether a token was
issued to a program or to a user it cannot tell. The hook routes take the acting user
(`request.user`) from the body, so only trusted servers may call them, with a machine token; a
dashboard user's own token is refused there with 403 (dashboard users call /api, where the server
knows who they are). Machine tokens are recognised as each issuer marks them:

- Auth0: `gty` is "client-credentials" (set on every token of that grant);
- Cognito: an access token (`token_use` "access") whose subject is its app client (`sub` equals
  `client_id`) and that names no user (`username`, which a user's access token always has);
- the local issuer (`make token`, `.local/dev-token`, `POST /oauth/token`) mints them as Auth0 does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .exceptions import ForbiddenError

if TYPE_CHECKING:
    from collections.abc import Mapping

AUTH0_GRANT_CLAIM = "gty"
CLIENT_CREDENTIALS = "client-credentials"
MACHINE_TOKEN_REQUIRED = (
    "This route takes a machine token (client credentials), not a user's: "  # noqa: S105 - a message
    "dashboard users call /api."
)


def is_machine(claims: Mapping[str, Any]) -> bool:
    """True when the verified `claims` are those of a client-credentials token."""
    if claims.get(AUTH0_GRANT_CLAIM) == CLIENT_CREDENTIALS:
        return True
    subject = claims.get("sub")
    return (
        claims.get("token_use") == "access"
        and bool(subject)
        and subject == claims.get("client_id")
        and not claims.get("username")
    )


def require_machine(claims: Mapping[str, Any]) -> None:
    """Refuse (403 `Forbidden`) any caller but a machine."""
    if not is_machine(claims):
        raise ForbiddenError(MACHINE_TOKEN_REQUIRED)
