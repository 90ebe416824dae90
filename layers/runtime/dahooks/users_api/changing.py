"""The routes that change users, each mapped to one directory call and audited around it.

Every per-user route first reads the target afresh and runs the access hook with its action, as
the original extension did; then:

| route | also | directory |
|---|---|---|
| POST /api/users | settings (`canCreateUser`, `userFields`), write `create`, memberships | create_user |
| PATCH /api/users/{id} | settings (`userFields`), write `update` | update_user |
| DELETE /api/users/{id} | never yourself | delete_user |
| POST .../password-reset | | reset_password |
| PUT .../change-password | `password` = `repeatPassword` | set_password |
| PUT .../change-username | | change_username (Cognito: NotSupported) |
| PUT .../change-email | | change_email |
| PUT .../block, .../unblock | | block_user, unblock_user |
| DELETE .../multifactor/{provider} | | remove_mfa_provider |
| POST .../send-verification-email | | send_verification_email (Cognito: NotSupported) |

The write hook's answer is what reaches the directory (less the dashboard-only `memberships` and
`repeatPassword`), as the original sent it to the Management API. The memberships hook's answer
bounds the memberships a create may ask for, unless it allows creating new ones
(`createMemberships`); it is checked after the write hook, so the write hook's own refusal (and its
message) comes first. The dedicated change-* routes do not run the write hook: they carry no
profile, and the shipped write hook refuses any payload without memberships.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import ForbiddenError, InvalidRequestError
from ..hook_types import MEMBERSHIPS, SETTINGS, WRITE
from ..validation import expect
from . import user_fields
from .in_process import HookCall

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..directory import Directory
    from .exchange import Exchange

Answer = tuple[int, Any]
DASHBOARD_ONLY_FIELDS = ("memberships", "repeatPassword")


def create_user(exchange: Exchange) -> Answer:
    body = exchange.body()
    settings = exchange.hook(SETTINGS)["settings"]
    if settings.get("canCreateUser") is False:
        raise ForbiddenError("The settings do not allow you to create users.")
    fields = settings.get("userFields")
    # The original compared the two passwords itself unless the settings made repeatPassword a field.
    asks_repeat = any(isinstance(f, dict) and f.get("property") == "repeatPassword" for f in _list(fields))
    if not asks_repeat and body.get("repeatPassword") != body.get("password"):
        raise InvalidRequestError("repeatPassword", "The passwords do not match.")
    payload = user_fields.for_create(body, fields)
    written = exchange.hook(WRITE, HookCall(payload=payload, method="create", user_fields=_list(fields)))["user"]
    if not written.get("email"):
        raise InvalidRequestError("email", "The email address is required.")
    _check_memberships(exchange, payload.get("memberships"))
    new_user = _for_directory(written)
    exchange.audit.retarget(str(new_user.get("username") or new_user.get("email")))
    created = exchange.change(lambda: exchange.services.directory.create_user(new_user), status=201)
    return 201, {"user": created}


def update_user(exchange: Exchange) -> Answer:
    body = exchange.body()
    original = exchange.target()
    fields = exchange.hook(SETTINGS)["settings"].get("userFields")
    payload = user_fields.for_update(body, fields)
    call = HookCall(payload=payload, method="update", original_user=original, user_fields=_list(fields))
    changes = _for_directory(exchange.hook(WRITE, call)["user"])
    updated = exchange.change(lambda: exchange.services.directory.update_user(exchange.user_id, changes))
    return 200, {"user": updated}


def delete_user(exchange: Exchange) -> Answer:
    exchange.target()
    if exchange.user_id == exchange.caller.username:
        raise InvalidRequestError("", "You cannot delete yourself.")
    exchange.change(lambda: exchange.services.directory.delete_user(exchange.user_id), status=204)
    return 204, None


def reset_password(exchange: Exchange) -> Answer:
    return _done(exchange, lambda directory, user_id: directory.reset_password(user_id))


def change_password(exchange: Exchange) -> Answer:
    exchange.target()
    body = exchange.body()
    password = expect(body.get("password"), str, "password", optional=False)
    if not password:
        raise InvalidRequestError("password", "The password is required.")
    if body.get("repeatPassword") != password:
        raise InvalidRequestError("repeatPassword", "Passwords don't match")
    exchange.change(lambda: exchange.services.directory.set_password(exchange.user_id, password), status=204)
    return 204, None


def change_username(exchange: Exchange) -> Answer:
    exchange.target()
    username = _required_text(exchange.body(), "username")
    user = exchange.change(lambda: exchange.services.directory.change_username(exchange.user_id, username))
    return 200, {"user": user}


def change_email(exchange: Exchange) -> Answer:
    exchange.target()
    body = exchange.body()
    email = _required_text(body, "email")
    verified = bool(expect(body.get("email_verified"), bool, "email_verified"))
    user = exchange.change(lambda: exchange.services.directory.change_email(exchange.user_id, email, verified=verified))
    return 200, {"user": user}


def block_user(exchange: Exchange) -> Answer:
    return _done(exchange, lambda directory, user_id: directory.block_user(user_id))


def unblock_user(exchange: Exchange) -> Answer:
    return _done(exchange, lambda directory, user_id: directory.unblock_user(user_id))


def remove_multifactor(exchange: Exchange) -> Answer:
    provider = exchange.path["provider"]
    return _done(exchange, lambda directory, user_id: directory.remove_mfa_provider(user_id, provider))


def send_verification_email(exchange: Exchange) -> Answer:
    return _done(exchange, lambda directory, user_id: directory.send_verification_email(user_id))


def _done(exchange: Exchange, perform: Callable[[Directory, str], object]) -> Answer:
    """The route's access checked on the target, then `perform(directory, user_id)` under audit: 204."""
    exchange.target()
    exchange.change(lambda: perform(exchange.services.directory, exchange.user_id), status=204)
    return 204, None


def _check_memberships(exchange: Exchange, requested: Any) -> None:
    """Refuse memberships the memberships hook does not offer the caller (unless it lets them create new ones)."""
    if exchange.services.hooks.loaded[MEMBERSHIPS.name].hook is None or not isinstance(requested, list):
        return  # not configured: the original offered no memberships and checked none
    answer = exchange.hook(MEMBERSHIPS, HookCall(payload={"user": exchange.caller.user}))
    if answer["createMemberships"]:
        return
    for membership in requested:
        if membership not in answer["memberships"]:
            raise ForbiddenError(f"You cannot assign the membership {membership!r}.")


def _for_directory(written: dict[str, Any]) -> dict[str, Any]:
    """The write hook's user without what only the dashboard uses."""
    return {name: value for name, value in written.items() if name not in DASHBOARD_ONLY_FIELDS}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _required_text(body: dict[str, Any], name: str) -> str:
    value = expect(body.get(name), str, name, optional=False)
    if not value:
        raise InvalidRequestError(name, "must not be empty")
    return str(value)
