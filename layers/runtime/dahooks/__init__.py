"""The runtime shared by every hook function: the ctx, the handler wrapper and their errors."""

from .context import Context, Request
from .exceptions import HookError
from .handler import HookFunction
from .hooks import Callback, CallbackHook, ReturningHook
from .logs import logger

__all__ = ["Callback", "CallbackHook", "Context", "HookError", "HookFunction", "Request", "ReturningHook", "logger"]
