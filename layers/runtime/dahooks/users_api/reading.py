"""The routes that read: the user list, one user, the caller, the settings, devices and the audit log.

Each runs the hooks the original extension ran for it, for the caller the token names:
- `GET /api/users`: the filter hook's query restricts the search (as trees, never as text), the
  directory lists one page, and the access hook (`read:user`) runs on every row;
- `GET /api/users/{id}`: access `read:user`, then the memberships hook for that user;
- `GET /api/me`: the caller, their role and permissions, and the memberships hook's answer (a
  refusal or a broken memberships hook leaves the memberships empty, as in the original, so the
  dashboard still opens);
- `GET /api/settings`: the settings hook;
- `GET /api/users/{id}/devices`, `GET /api/users/{id}/logs`: access `read:devices` / `read:logs`;
- `GET /api/logs`: the whole audit log (the route needs `read:logs`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import HookError, HookFailedError, HookTimeoutError
from ..hook_types import FILTER, MEMBERSHIPS, SETTINGS
from ..logs import logger
from ..lucene import field_equals
from ..search import DEFAULT_PER_PAGE, MAX_PER_PAGE, restrict
from .audit import DEFAULT_PAGE, MAX_PAGE
from .in_process import HookCall

if TYPE_CHECKING:
    from .exchange import Exchange

Answer = tuple[int, Any]


def list_users(exchange: Exchange) -> Answer:
    per_page = exchange.count("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    search, filter_by = exchange.query.get("search") or None, exchange.query.get("filterBy") or None
    answer = exchange.hook(FILTER, HookCall(payload={"search": search, "filterBy": filter_by}))
    # `filterBy` names the one field the search is for, as the original's search box did.
    text = field_equals(filter_by, search) if filter_by and search else search
    query = restrict(text, answer["query"])
    page = exchange.services.directory.search_users(query, per_page=per_page, cursor=exchange.query.get("cursor"))
    users, hidden = exchange.services.pages.check(
        exchange.caller, page.users, "read:user", exchange.request_id, exchange.remaining()
    )
    return 200, {"users": users, "next": page.next, "hidden": hidden}


def get_user(exchange: Exchange) -> Answer:
    user = exchange.target(as_shown=True)
    memberships = exchange.hook(MEMBERSHIPS, HookCall(payload={"user": user}))["memberships"]
    return 200, {"user": user, "memberships": memberships}


def me(exchange: Exchange) -> Answer:
    caller = exchange.caller
    try:
        answer = exchange.hook(MEMBERSHIPS, HookCall(payload={"user": caller.user}))
    except (HookError, HookFailedError, HookTimeoutError) as error:
        logger.warning(
            "no memberships for the caller: the memberships hook did not answer", extra={"error": error.code}
        )
        answer = {"memberships": [], "createMemberships": False}
    return 200, {
        "user": caller.user,
        "role": caller.role.name,
        "permissions": list(caller.permissions),
        "memberships": answer["memberships"],
        "createMemberships": answer["createMemberships"],
    }


def settings(exchange: Exchange) -> Answer:
    return 200, exchange.hook(SETTINGS)


def devices(exchange: Exchange) -> Answer:
    exchange.target()
    return 200, {"devices": exchange.services.directory.list_devices(exchange.user_id)}


def user_logs(exchange: Exchange) -> Answer:
    exchange.target()
    return _logs(exchange, exchange.user_id)


def logs(exchange: Exchange) -> Answer:
    return _logs(exchange, None)


def _logs(exchange: Exchange, target: str | None) -> Answer:
    limit = exchange.count("per_page", DEFAULT_PAGE, MAX_PAGE)
    records, following = exchange.services.audit.read(target, limit, exchange.query.get("cursor") or None)
    return 200, {"logs": records, "next": following}
