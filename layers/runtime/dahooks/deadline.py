"""Run a hook with a deadline (the original let a hook run for as long as the sandbox allowed).

In the Lambda runtime the handler runs on the main thread, so the deadline is a real interrupt:
SIGALRM raises `DeadlineExceeded` inside the hook, which stops it even in a `time.sleep` or a
blocking socket read. Called from any other thread (an embedding test, say), signals are not
available and the hook runs on a daemon thread that is abandoned when its time is up.
"""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, TypeVar

from . import config

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")

DEFAULT_MARGIN_MS = 500.0


def margin_seconds() -> float:
    """What is kept back from the Lambda's remaining time, so the handler can still answer a hook
    that ran out of its own (HOOK_DEADLINE_MARGIN_MS, 500 ms by default)."""
    return config.env_float(config.DEADLINE_MARGIN_MS, DEFAULT_MARGIN_MS) / 1000


class DeadlineExceeded(BaseException):
    """Raised inside the hook when its time is up.

    A BaseException, so that a hook's own `except Exception:` cannot swallow it.
    """


def _raise_deadline(signum: int, frame: object) -> None:
    raise DeadlineExceeded


try:
    # signal.signal's own C function: the module's wrapper turns each handler it returns into an enum,
    # and for a function (ours, when it is put back) that costs a raised and caught ValueError.
    from _signal import signal as _set_handler
except ImportError:  # pragma: no cover - an interpreter without the C module
    _set_handler = signal.signal

_HAS_TIMER = hasattr(signal, "setitimer")


def _run_on_thread(fn: Callable[[], T], seconds: float) -> T:
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed back to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="hook", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise DeadlineExceeded
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def run_with_deadline(fn: Callable[[], T], seconds: float) -> T:
    """`fn()`, or `DeadlineExceeded` once `seconds` have passed."""
    if seconds <= 0:
        raise DeadlineExceeded
    if not _HAS_TIMER:
        return _run_on_thread(fn, seconds)
    try:
        previous = _set_handler(signal.SIGALRM, _raise_deadline)
    except ValueError:  # not the main thread, where alone signals are handled: the check made in C
        return _run_on_thread(fn, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _set_handler(signal.SIGALRM, previous)
