"""The hook types the dashboard calls, one entry each: the only place what differs between them is said.

Everything else (parsing, the ctx, the deadline, logging, error bodies) is the same for every hook
and lives in `handler.HookFunction`. A new hook type is one entry here, its result type and contract
in `contract`, and a folder under functions/. Code names a hook type by its constant (`ACCESS`),
so a typo fails at import; a name from outside (a route, a test) goes through `hook_type`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import defaults, results
from .exceptions import HookError
from .validation import validate_access, validate_custom_domain, validate_envelope, validate_write

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

HOOK_FILE = "hook.py"


@dataclass(frozen=True)
class HookType:
    """What one hook type accepts, what it may answer, and where its function lives."""

    name: str  # as in its route, /hooks/<name>, in the logs and in error messages
    folder: str  # its function's folder under functions/, where its hook.py is
    # The hook's result as the documented response body; raises ResultShapeError otherwise.
    check_result: Callable[[Any], dict[str, Any]]
    # The result when the function ships no hook.py, from the request body.
    default_result: Callable[[dict[str, Any]], Any]
    # Raises InvalidRequestError (400) unless the body is a request this hook type accepts; by
    # default the envelope every hook request shares, with any payload object.
    validate_request: Callable[[dict[str, Any]], None] = validate_envelope
    # The status a refusal (callback(error) or HookError) answers with.
    refusal_status: int = HookError.status
    # The field of the response body that holds what the hook itself answered, i.e. what the
    # original's callback was given (`{"query": q}` -> q); None: the whole body is that answer.
    result_field: str | None = None

    @property
    def contract(self) -> str:
        """The name of the Protocol in `dahooks.contract` a hook.py of this type satisfies: `CustomDomainHook`."""
        return contract_name(self.name)

    def answer_in(self, body: dict[str, Any]) -> Any:
        """What the hook itself answered, out of this type's response body (`check_result`'s output)."""
        return body if self.result_field is None else body.get(self.result_field)

    def hook_path(self, functions: Path) -> Path:
        """Where this type's hook.py is, in the folder that holds every function (functions/)."""
        return functions / self.folder / HOOK_FILE


def contract_name(hook_name: str) -> str:
    """`custom-domain` -> `CustomDomainHook`: how `dahooks.contract` names each hook type's Protocol."""
    return "".join(word.capitalize() for word in hook_name.split("-")) + "Hook"


FILTER = HookType(
    name="filter",
    folder="filter",
    check_result=results.check_filter,
    default_result=defaults.unrestricted,
    result_field="query",
)
ACCESS = HookType(
    name="access",
    folder="access",
    validate_request=validate_access,
    check_result=results.check_access,
    default_result=defaults.unrestricted,
    refusal_status=403,  # the access hook's refusal is "access denied"
    result_field="user",
)
WRITE = HookType(
    name="write",
    folder="write",
    validate_request=validate_write,
    check_result=results.check_write,
    default_result=defaults.user_as_sent,
    result_field="user",
)
MEMBERSHIPS = HookType(
    name="memberships",
    folder="memberships",
    check_result=results.check_memberships,
    default_result=defaults.no_memberships,
)
SETTINGS = HookType(
    name="settings",
    folder="settings",
    check_result=results.check_settings,
    default_result=defaults.empty_object,
    result_field="settings",
)
CUSTOM_DOMAIN = HookType(
    name="custom-domain",
    folder="custom-domain",
    validate_request=validate_custom_domain,
    check_result=results.check_custom_domain,
    default_result=defaults.empty_object,
)

HOOK_TYPES: Mapping[str, HookType] = MappingProxyType(
    {hook.name: hook for hook in (FILTER, ACCESS, WRITE, MEMBERSHIPS, SETTINGS, CUSTOM_DOMAIN)}
)

# Post User Registration is not a request/response hook, so not in HOOK_TYPES: its hook runs later on
# the registration queue's worker (dahooks.registration) as `hook(user, context[, cb])`, and what it
# returns is ignored.
POST_USER_REGISTRATION = "post-user-registration"
POST_USER_REGISTRATION_FOLDER = "registration-worker"


def hook_type(name: str) -> HookType:
    """The hook type called `name`; a ValueError naming the known ones for any other name."""
    try:
        return HOOK_TYPES[name]
    except KeyError:
        raise ValueError(f"unknown hook type {name!r}; the hook types are {', '.join(HOOK_TYPES)}") from None
