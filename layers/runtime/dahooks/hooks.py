"""Loading a hook module and calling it in either style of its contract (see `contract`).

A hook is `hook(ctx, callback)` as in the original, or `hook(ctx)` that returns its result or
raises `HookError`. Post User Registration hooks take `(user, context[, cb])` the same way. The
style is read once from the function's signature: one more positional parameter than the
arguments means it wants a callback.
"""

from __future__ import annotations

import importlib.util
import inspect
import threading
from typing import TYPE_CHECKING, Any

from .deadline import DeadlineExceeded, run_with_deadline
from .exceptions import HookError
from .logs import logger

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def load_hook(path: Path, module_name: str) -> Callable[..., Any] | None:
    """The `hook` function of the file at `path`, or None when there is no such file.

    Loaded by path under a name of its own, so that several functions' `hook.py` can live in one
    interpreter (tests, the local invoker) without shadowing one another.
    """
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    hook: object = getattr(module, "hook", None)
    if not callable(hook):
        raise TypeError(f"{path} must define a function named 'hook'")
    return hook


def wants_callback(hook: Callable[..., Any], arguments: int) -> bool:
    """True when `hook` takes one positional parameter more than the `arguments` it is given."""
    parameters = [
        p for p in inspect.signature(hook).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return len(parameters) > arguments


def as_hook_error(error: Any) -> HookError:
    """What a hook passed to `callback(error)`, as the refusal the caller will see."""
    if isinstance(error, HookError):
        return error
    return HookError(str(error) if str(error) else "The hook refused the request.")


class Outcome:
    """The first outcome a callback-style hook reports; later calls are logged and ignored.

    Nearly every hook calls back before it returns, so the event a late callback (from a thread of
    the hook's own) is waited on is only made when the hook returned without calling back: a call
    costs no lock then, which matters when the access hook runs once per listed row.
    """

    __slots__ = ("_called", "_error", "_hook_name", "_late", "_result")

    def __init__(self, hook_name: str) -> None:
        self._hook_name = hook_name
        self._called = False
        self._late: threading.Event | None = None
        self._error: Any = None
        self._result: Any = None

    def callback(self, error: Any = None, result: Any = None, /) -> None:
        if self._called:
            logger.warning(
                "the hook called its callback more than once; the first outcome is kept",
                extra={"hook": self._hook_name},
            )
            return
        self._error, self._result = error, result
        self._called = True
        late = self._late  # read after `_called` is set: see `wait`
        if late is not None:
            late.set()

    def wait(self, seconds: float) -> Any:
        """The result, once the hook has called back; raises its refusal as `HookError`."""
        if not self._called:
            self._late = threading.Event()
            # A callback that read `_late` before it was set has set `_called` already: check again.
            if not self._called and not self._late.wait(seconds):
                # Only reached on the thread fallback; the main-thread deadline interrupts the wait.
                raise DeadlineExceeded
        if self._error:
            raise as_hook_error(self._error)
        return self._result


def call_hook(
    hook: Callable[..., Any],
    arguments: tuple[Any, ...],
    *,
    hook_name: str,
    seconds: float,
    with_callback: bool,
) -> Any:
    """Run `hook(*arguments[, callback])` within `seconds` and return its result.

    Raises `HookError` when the hook refused, `DeadlineExceeded` when it ran out of time, and
    whatever the hook raised when it crashed.
    """

    def run() -> Any:
        if not with_callback:
            return hook(*arguments)
        outcome = Outcome(hook_name)
        hook(*arguments, outcome.callback)
        # A hook may call back later, from a thread of its own: wait for it until the deadline.
        return outcome.wait(seconds)

    return run_with_deadline(run, seconds)
