"""Run a hook with a deadline (the original let a hook run for as long as the sandbox allowed).

In the Lambda runtime the handler runs on the main thread, so the deadline is a real interrupt:
SIGALRM raises `DeadlineExceeded` inside the hook, which stops it even in a `time.sleep` or a
blocking socket read. Called from any other thread (an embedding test, say), signals are not
available and the hook runs on a daemon thread that is abandoned when its time is up.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from . import config

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

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


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _raise_deadline)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            return fn()
    return _run_on_thread(fn, seconds)
