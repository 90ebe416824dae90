"""The access hook over every row of a listed page: cheap per row, bounded in threads and in time.

Each row is one call of the hook with `{"action": "read:user", "user": row}`, exactly as the hook
function would be called; what it answers decides the row: allowed as is, allowed and replaced by
the object the hook returned (to redact fields, say), or refused, and then left out of the page
(the page says how many were hidden rather than failing). A hook that crashes, or answers
something that is not a user, fails the whole page (500 `HookFailed`), as it would fail its own
function.

The page starts on the request's own thread, row by row: a hook that only computes (the shipped
one) costs its own time plus building its `ctx`, with no thread and no timer per row. Once rows
show that the hook waits (two in a row took over `SLOW_ROW_S`: a call to a service, `ctx.http`),
the rest of the page is cut into contiguous slices shared by a few daemon threads (`threads`, the request's own
included), so the page does not wait once per row; threads would only slow down a hook that
computes (they take turns on the interpreter). The whole page has one deadline, the request's: when
it passes, the page is 504 `HookTimeout` and the other threads stop after their current row.
"""

from __future__ import annotations

import functools
import json
import queue
import threading
import time
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from ..context import Context
from ..deadline import DeadlineExceeded, run_with_deadline
from ..exceptions import DahooksError, HookError
from ..hook_types import ACCESS
from ..hooks import Outcome
from ..logs import logger
from ..metrics import HookRun
from ..results import ResultShapeError
from .in_process import HookCall

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..directory import User
    from ..running import LoadedHook
    from .caller import Caller
    from .in_process import InProcessHooks

# Two rows in a row that took longer waited on something (one alone may just have lost the CPU for a
# moment): share the rest of the page.
SLOW_ROW_S = 0.001
SLOW_ROWS = 2
_HIDDEN = None


class PageAccess:
    """Runs the access hook over pages of users for one container."""

    def __init__(self, hooks: InProcessHooks, threads: int) -> None:
        self.hooks = hooks
        self.threads = max(1, threads)
        self._workers: _Workers | None = None

    def check(
        self, caller: Caller, rows: Sequence[User], action: str, request_id: str, seconds: float
    ) -> tuple[list[User], int]:
        """The rows the caller may see (each as the hook left it) and how many were hidden."""
        loaded = self.hooks.loaded[ACCESS.name]
        if loaded.hook is None or not rows:
            return list(rows), 0
        answers: list[User | None] = [_HIDDEN] * len(rows)
        stop = threading.Event()
        check_row = _RowCheck(self.hooks, loaded, loaded.hook, caller, action, request_id)

        def run_slice(indexes: range) -> None:
            for index in indexes:
                if stop.is_set():
                    return
                answers[index] = check_row(rows[index], stop)

        def run_page() -> None:
            slow_in_a_row = 0
            for index in range(len(rows)):
                started = time.perf_counter()
                answers[index] = check_row(rows[index], stop)
                slow_in_a_row = slow_in_a_row + 1 if time.perf_counter() - started > SLOW_ROW_S else 0
                rest = range(index + 1, len(rows))
                if self.threads > 1 and len(rest) > 1 and slow_in_a_row == SLOW_ROWS:
                    self._share(rest, run_slice, stop)
                    return

        try:
            run_with_deadline(run_page, seconds)
        except DeadlineExceeded:
            stop.set()
            raise loaded.timeout(seconds, check_row.started) from None
        kept = [answer for answer in answers if answer is not _HIDDEN]
        hidden = len(rows) - len(kept)
        if hidden:
            logger.info("the access hook hid rows of the page", extra={"hidden": hidden, "action": action})
        return kept, hidden

    def _share(self, rest: range, run_slice: Callable[[range], None], stop: threading.Event) -> None:
        """Run `rest` of the page in slices: one on this thread, the others on the workers."""
        slices = _slices(rest, self.threads)
        futures = [self._pool().submit(functools.partial(run_slice, part)) for part in slices[1:]]
        try:
            run_slice(slices[0])
            for future in futures:
                future.result()
        finally:
            stop.set()
            if any(future.running() for future in futures):
                self._abandon_pool()  # a hook is stuck in a worker: the next page gets fresh ones

    def _pool(self) -> _Workers:
        if self._workers is None:
            self._workers = _Workers(self.threads - 1)
        return self._workers

    def _abandon_pool(self) -> None:
        if self._workers is not None:
            self._workers.close()
            self._workers = None


class _RowCheck:
    """One page's calls of the access hook, a row each."""

    def __init__(
        self,
        hooks: InProcessHooks,
        loaded: LoadedHook,
        hook: Callable[..., Any],
        caller: Caller,
        action: str,
        request_id: str,
    ) -> None:
        self.loaded = loaded
        self.hook = hook
        self.action = action
        self.started = time.perf_counter()
        # Every row's ctx differs only in its payload: the rest is made once per page.
        self.template = hooks.context(ACCESS, caller, HookCall(), request_id)

    def __call__(self, row: User, stop: threading.Event) -> User | None:
        """The row as the caller may see it, or None when the hook refused it; each row is a run of
        the access hook in its metrics, as a call of its own function would be."""
        with HookRun(ACCESS.name) as run:
            answer = self._check(row, stop)
            run.refused = answer is _HIDDEN
            return answer

    def _check(self, row: User, stop: threading.Event) -> User | None:
        page = self.template
        ctx = Context(
            ACCESS.name,
            {"action": self.action, "user": row},
            page.request,
            page.container,
            request_id=page.request_id,
            caller=page.caller,
        )
        try:
            if self.loaded.with_callback:
                outcome = Outcome(ACCESS.name)
                self.hook(ctx, outcome.callback)
                result = outcome.wait(_FOREVER)  # a late callback: the page's deadline still bounds it
            else:
                result = self.hook(ctx)
        except HookError:
            return _HIDDEN
        except (DahooksError, DeadlineExceeded):
            raise
        except Exception:
            stop.set()
            raise self.loaded.crash() from None
        if result is None:
            return row
        return self._replacement(result)

    def _replacement(self, result: Any) -> User:
        try:
            if not isinstance(result, dict):
                raise ResultShapeError(f"expected nothing or a user object, got {type(result).__name__}")
            json.dumps(result, allow_nan=False)
        except (ValueError, TypeError, RecursionError):
            return self.loaded.checked(result)  # raises HookFailedError, logging why
        return result


_FOREVER = 365 * 24 * 3600.0


def _slices(rows: range, parts: int) -> list[range]:
    """`rows` cut into `parts` contiguous, nearly equal slices."""
    parts = max(1, min(parts, len(rows)))
    size, extra = divmod(len(rows), parts)
    slices, start = [], rows.start
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        slices.append(range(start, end))
        start = end
    return slices


class _Workers:
    """A few daemon threads taking slices of pages; daemon, so that a hook stuck forever never keeps
    the process from ending (a stuck pool is abandoned and replaced, see `PageAccess`)."""

    def __init__(self, count: int) -> None:
        self._tasks: queue.SimpleQueue[tuple[Callable[[], None], Future[None]] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._serve, name=f"access-hook-{index}", daemon=True) for index in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, task: Callable[[], None]) -> Future[None]:
        future: Future[None] = Future()
        self._tasks.put((task, future))
        return future

    def close(self) -> None:
        """Let every thread end once it is done with what it is running."""
        for _ in self._threads:
            self._tasks.put(None)

    def _serve(self) -> None:
        while (item := self._tasks.get()) is not None:
            task, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                task()
            except BaseException as error:  # handed to the page's thread, which raises it
                future.set_exception(error)
            else:
                future.set_result(None)
