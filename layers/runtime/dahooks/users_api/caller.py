"""Who acts: the dashboard user whose token API Gateway verified, their role, and their directory record.

Only the token says who acts, never a request body: its `username` claim names the directory user
(a Cognito access token carries it; the `sub` is kept for the logs), its groups give the role
(`roles`). What the hooks see as `ctx.request.user` is that user's own directory record, fetched by
the server, as the original extension did.

The record is cached in the container, keyed by username, for the token's lifetime but never longer
than `max_age_s` (see `settings` for why a minute): within that time a record changed or deleted
elsewhere is still trusted here, so the API drops the entry itself whenever it changes or deletes
that user. Every request still checks what its own token claims against the record: a token issued
before its user was created (the user was deleted and the name taken again) is refused, as is a
token of a blocked user (Cognito revokes a disabled user's tokens, but a JWT authorizer cannot know).
A record that refuses its user is not kept, so an unblocked user may act again at once everywhere.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..callers import is_machine
from ..exceptions import NotFoundError, UnauthorizedError
from .roles import GROUPS_CLAIM, Role, groups_of, role_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..directory import User

USERNAME_CLAIM = "username"
TOKEN_USE_CLAIM = "token_use"  # noqa: S105 - a claim's name, not a secret
MAX_ENTRIES = 1024

# Messages, not secrets:
NOT_A_USER_TOKEN = "This API takes a dashboard user's own access token (not an ID token, not a machine's)."  # noqa: S105
NO_SUCH_USER = "The user of this token no longer exists."  # noqa: S105
BLOCKED_USER = "The user of this token is blocked."  # noqa: S105


@dataclass(frozen=True)
class Caller:
    """The dashboard user a request acts for."""

    username: str
    subject: str  # the token's `sub`
    role: Role
    user: User  # their directory record, as hooks see it in ctx.request.user

    @property
    def permissions(self) -> tuple[str, ...]:
        return self.role.permissions


@dataclass(frozen=True)
class _Entry:
    user: User
    expires: float


class ActingUsers:
    """The callers' directory records, cached per container (see the module's docstring)."""

    def __init__(self, load: Callable[[str], User], max_age_s: float, clock: Callable[[], float] = time.time) -> None:
        self._load = load
        self._max_age_s = max_age_s
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def caller(self, claims: Mapping[str, Any]) -> Caller:
        """The caller the verified `claims` name; `UnauthorizedError` when they name nobody who may act."""
        username = str(claims.get(USERNAME_CLAIM) or "")
        if claims.get(TOKEN_USE_CLAIM) != "access" or not username or is_machine(claims):
            raise UnauthorizedError(NOT_A_USER_TOKEN)
        issued = _number(claims.get("iat"))
        user = self._record(username, _number(claims.get("exp")))
        if issued is not None and _created_after(user, issued):
            self.forget(username)
            raise UnauthorizedError(NO_SUCH_USER)
        if user.get("blocked"):
            raise UnauthorizedError(BLOCKED_USER)
        role = role_of(groups_of(claims.get(GROUPS_CLAIM)))
        return Caller(username=username, subject=str(claims.get("sub") or ""), role=role, user=user)

    def forget(self, username: str) -> None:
        """Drop the cached record of `username` (the API has just changed or deleted that user)."""
        with self._lock:
            self._entries.pop(username, None)

    def _record(self, username: str, token_expires: float | None) -> User:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(username)
            if entry is not None and entry.expires > now:
                self._entries.move_to_end(username)
                return entry.user
        try:
            user = self._load(username)
        except NotFoundError:
            self.forget(username)
            raise UnauthorizedError(NO_SUCH_USER) from None
        if user.get("blocked"):
            return user  # refused, and not kept: once unblocked (in any container) the user acts again
        expires = now + self._max_age_s
        if token_expires is not None:
            expires = min(expires, token_expires)
        with self._lock:
            self._entries[username] = _Entry(user, expires)
            self._entries.move_to_end(username)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)
        return user


def _number(value: object) -> float | None:
    """A numeric claim; API Gateway hands every claim over as a string."""
    try:
        return float(str(value)) if value is not None else None
    except ValueError:
        return None


def _created_after(user: User, issued: float) -> bool:
    """True when the user was created after the token was issued (whole seconds, as `iat` counts)."""
    created = user.get("created_at")
    if not isinstance(created, str):
        return False
    try:
        created_at = datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return False
    return int(created_at) > int(issued)
