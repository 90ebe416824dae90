"""The dashboard's hooks, run in process from the very `functions/<hook>/hook.py` files the hook functions run.

One source of truth: the users function's code is the whole functions/ folder, so each hook type's
hook.py is found where `dahooks.hook_types` says and loaded once per container. A hook gets the
same `ctx` as in its own function (payload, request, method, userFields, custom data, the shared
cache, logging), except that `ctx.request.user` is the caller's directory record, fetched by the
server, never anything from a request body. Each hook type keeps its own `ctx.globals`, as in its
own function; they share one storage client. Each run has the request's remaining time (less the
usual margin) as its deadline, and answers or fails exactly as `dahooks.running` says.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..context import Container, Context, Request
from ..exceptions import HookError, InvalidRequestError
from ..hook_types import (
    FILTER,
    HOOK_FILE,
    HOOK_TYPES,
    POST_USER_REGISTRATION,
    POST_USER_REGISTRATION_FOLDER,
    HookType,
)
from ..running import LoadedHook

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from ..storage import Storage
    from .caller import Caller

# Every request/response hook type: the routes run filter, access, write, memberships and settings
# (custom domain only concerns e-mails, which Cognito sends itself); the configuration page's runner
# runs any of them.
# Here a filter hook's refusal means the caller may list nobody: "access denied", as the access hook's.
REFUSAL_STATUS = {FILTER.name: 403}
PAYLOAD_PREFIX = "payload."


@dataclass(frozen=True)
class HookCall:
    """What one hook is asked: its payload, and for the write hook the method and the user as it was."""

    payload: dict[str, Any] = field(default_factory=dict)
    method: str | None = None
    original_user: dict[str, Any] | None = None
    user_fields: list[Any] = field(default_factory=list)


class InProcessHooks:
    """Every hook the users API runs, loaded from `functions` (the folder holding every function)."""

    def __init__(self, functions: Path, storage_factory: Callable[[], Storage]) -> None:
        shared_storage = functools.cache(storage_factory)  # one client for all; built on first use
        self.files = hook_files(functions)
        self.loaded = {
            hook_type.name: LoadedHook.load(hook_type, hook_type.hook_path(functions))
            for hook_type in HOOK_TYPES.values()
        }
        self.containers = {name: Container(storage_factory=shared_storage) for name in self.loaded}

    def context(self, hook_type: HookType, caller: Caller, call: HookCall, request_id: str) -> Context:
        """The ctx `hook_type`'s hook gets for `call`, on behalf of `caller`."""
        return Context(
            hook_name=hook_type.name,
            payload=call.payload,
            request=Request(user=caller.user, original_user=call.original_user),
            container=self.containers[hook_type.name],
            method=call.method,
            user_fields=call.user_fields,
            request_id=request_id,
            caller=caller.subject,
        )

    def run(
        self, hook_type: HookType, caller: Caller, call: HookCall, request_id: str, seconds: float
    ) -> dict[str, Any]:
        """The hook's answer in its documented shape (`{"query": ...}`, `{"settings": ...}`, ...), or its error."""
        body = request_body(caller, call)
        try:
            hook_type.validate_request(body)
        except InvalidRequestError as error:
            # The payload is what the client sent: name its field as the client knows it.
            raise InvalidRequestError(error.field.removeprefix(PAYLOAD_PREFIX), error.problem) from None
        loaded = self.loaded[hook_type.name]
        try:
            return loaded.run(self.context(hook_type, caller, call, request_id), body, seconds)
        except HookError as refusal:
            refusal.status = REFUSAL_STATUS.get(hook_type.name, refusal.status)
            raise


def hook_files(functions: Path) -> dict[str, Path]:
    """Every hook's hook.py in this deployment, by hook name (Post User Registration's included)."""
    files = {name: hook_type.hook_path(functions) for name, hook_type in HOOK_TYPES.items()}
    files[POST_USER_REGISTRATION] = functions / POST_USER_REGISTRATION_FOLDER / HOOK_FILE
    return files


def request_body(caller: Caller, call: HookCall) -> dict[str, Any]:
    """The request a hook function would have been sent for `call` (what validation and defaults read)."""
    request: dict[str, Any] = {"user": caller.user}
    if call.original_user is not None:
        request["originalUser"] = call.original_user
    body: dict[str, Any] = {"request": request, "payload": call.payload, "userFields": call.user_fields}
    if call.method is not None:
        body["method"] = call.method
    return body
