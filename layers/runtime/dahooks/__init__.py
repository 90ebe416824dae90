"""The runtime shared by every hook function: the ctx, the handler wrapper, the hook contract and its errors."""

from .context import Context, Request
from .contract import (
    AccessResult,
    Callback,
    CallbackHook,
    CustomDomainResult,
    FilterResult,
    MembershipsResult,
    ReturningHook,
    SettingsResult,
    User,
    WriteResult,
)
from .exceptions import HookError
from .handler import HookFunction
from .logs import logger

__all__ = [
    "AccessResult",
    "Callback",
    "CallbackHook",
    "Context",
    "CustomDomainResult",
    "FilterResult",
    "HookError",
    "HookFunction",
    "MembershipsResult",
    "Request",
    "ReturningHook",
    "SettingsResult",
    "User",
    "WriteResult",
    "logger",
]
