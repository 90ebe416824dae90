"""One request to the users API, and the steps every route is made of.

A route function (see `routes`) gets an `Exchange`: the caller (from the token), what was sent (path,
query, body), and the means to answer: run a hook for the caller, fetch a target user and run the
access hook on it, make a change under audit. Everything a route needs from the container (the
directory, the hooks, the audit log, the acting-user cache) is in `Services`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..exceptions import InvalidRequestError
from ..hook_types import ACCESS
from ..validation import parse_json_object
from .in_process import HookCall

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ..directory import Directory, User
    from ..hook_types import HookType
    from ..storage import Storage
    from .audit import AuditLog
    from .audit_trail import AuditTrail
    from .caller import ActingUsers, Caller
    from .in_process import InProcessHooks
    from .page_access import PageAccess

T = TypeVar("T")


@dataclass
class Services:
    """What the routes use, built once per container."""

    directory: Directory
    hooks: InProcessHooks
    pages: PageAccess
    audit: AuditLog
    acting_users: ActingUsers
    storage: Storage  # the table: custom data and the hooks' last failures, for the configuration page


@dataclass
class Exchange:
    """One request: who asks and what they sent, with the steps routes are made of."""

    services: Services
    caller: Caller
    action: str  # the route's: for a per-user route, the access hook's action
    request_id: str
    audit: AuditTrail
    remaining: Callable[[], float]  # seconds a hook may still run
    path: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case, as API Gateway sends them
    raw_body: bytes = b""

    @property
    def user_id(self) -> str:
        """The `{id}` of the path: the target user's user_id."""
        return self.path["id"]

    def body(self) -> dict[str, Any]:
        """The request body, which must be a JSON object."""
        return parse_json_object(self.raw_body)

    def count(self, name: str, default: int, maximum: int) -> int:
        """A whole-number query parameter between 1 and `maximum` (`per_page`)."""
        text = self.query.get(name)
        if text is None or text == "":
            return default
        if not text.isdigit() or not 1 <= int(text) <= maximum:
            raise InvalidRequestError(name, f"must be a whole number between 1 and {maximum}")
        return int(text)

    def hook(self, hook_type: HookType, call: HookCall | None = None) -> dict[str, Any]:
        """`hook_type`'s answer for the caller (its documented body), or its refusal or failure."""
        return self.services.hooks.run(hook_type, self.caller, call or HookCall(), self.request_id, self.remaining())

    def target(self, *, as_shown: bool = False) -> User:
        """The path's user, freshly read, once the access hook allowed the route's action on it: as the
        directory has it, or `as_shown` to the caller (replaced by the object the hook returned, if any)."""
        user = self.services.directory.get_user(self.user_id)
        answer = self.hook(ACCESS, HookCall(payload={"action": self.action, "user": user}))
        replacement = answer.get("user")
        return replacement if as_shown and isinstance(replacement, dict) else user

    def change(self, perform: Callable[[], T], status: int = 200) -> T:
        """`perform()`, the request's change, recorded in the audit log around it."""
        try:
            return self.audit.change(perform, status)
        finally:
            if self.path.get("id"):
                self.services.acting_users.forget(self.path["id"])  # the user may be a caller cached here
