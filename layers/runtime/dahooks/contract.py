"""The hook contract: what a `functions/*/hook.py` is given and what it may answer, as types mypy checks.

A hook is written in either style of the original: `hook(ctx)`, which returns its result or raises
`HookError`, or `hook(ctx, callback)`, which calls `callback(error)` to refuse and
`callback(None, result)` (or `callback()`) to answer. Each hook type's Protocol is named after it
(`custom-domain` -> `CustomDomainHook`); `make typecheck` assigns each function's `hook` to its
type's Protocol, so a hook whose signature or result does not fit fails there, not in production.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, NotRequired, Protocol, TypeAlias, TypedDict, TypeVar

if TYPE_CHECKING:
    from .context import Context

Result = TypeVar("Result")
Result_co = TypeVar("Result_co", covariant=True)
Result_contra = TypeVar("Result_contra", contravariant=True)

User: TypeAlias = dict[str, Any]  # a user as the Management API has it: user_id, email, app_metadata, ...


class Callback(Protocol[Result_contra]):
    """`callback(error)` refuses; `callback(None, result)` or `callback()` answers."""

    def __call__(self, error: BaseException | str | None = None, result: Result_contra | None = None, /) -> None: ...


class ReturningHook(Protocol[Result_co]):
    """`hook(ctx)`: returns its result, raises `HookError` to refuse."""

    def __call__(self, ctx: Context, /) -> Result_co: ...


class CallbackHook(Protocol[Result_co]):
    """`hook(ctx, callback)`: hands its outcome to `callback`, as the original did."""

    def __call__(self, ctx: Context, callback: Callback[Result_co], /) -> None: ...


Hook: TypeAlias = ReturningHook[Result] | CallbackHook[Result]


# ---------------------------------------------------------------- what each hook type may answer
class FilterQuery(TypedDict):
    query: str | None


class Memberships(TypedDict):
    memberships: list[str]
    createMemberships: NotRequired[bool]


class CustomDomain(TypedDict):
    customDomain: str  # one of the tenant's custom domains, a host name


class CanonicalDomain(TypedDict):
    useCanonicalDomain: Literal[True]


class DefaultDomain(TypedDict):
    """`{}`: Auth0's default domain."""


FilterResult: TypeAlias = str | FilterQuery | None  # a Lucene query; None: every user
AccessResult: TypeAlias = User | None  # None: allowed as is; a user: allowed, and the row replaced
WriteResult: TypeAlias = User  # what is sent to the Management API
MembershipsResult: TypeAlias = list[str] | Memberships
SettingsResult: TypeAlias = dict[str, Any]
CustomDomainResult: TypeAlias = CustomDomain | CanonicalDomain | DefaultDomain | None

FilterHook: TypeAlias = Hook[FilterResult]
AccessHook: TypeAlias = Hook[AccessResult]
WriteHook: TypeAlias = Hook[WriteResult]
MembershipsHook: TypeAlias = Hook[MembershipsResult]
SettingsHook: TypeAlias = Hook[SettingsResult]
CustomDomainHook: TypeAlias = Hook[CustomDomainResult]


# ---------------------------------------------------------------- Post User Registration
class ReturningRegistrationHook(Protocol):
    """`hook(user, context)`: returns once done, raises to have the registration retried."""

    def __call__(self, user: User, context: dict[str, Any], /) -> object: ...


class CallbackRegistrationHook(Protocol):
    """`hook(user, context, callback)`, the original's signature; `callback(error)` has it retried."""

    def __call__(self, user: User, context: dict[str, Any], callback: Callback[object], /) -> object: ...


# What a registration hook returns or calls back with is ignored, as in the original.
PostUserRegistrationHook: TypeAlias = ReturningRegistrationHook | CallbackRegistrationHook
