"""One hook run for one request, as its caller sees it: the result in its documented shape, or the error.

Shared by the hook functions (`handler.HookFunction`, one hook type per Lambda) and the users API,
which runs the same `functions/<hook>/hook.py` files in process, so that a hook behaves the same
wherever it runs: a refusal (`callback(error)` or `HookError`) answers with its hook type's status
and the hook's own message; a crash, or a result of the wrong shape, is 500 `HookFailed` (details
only in the logs); a hook past its deadline is 504 `HookTimeout`; a dependency's own error (storage
unavailable) keeps its status. A failure or a timeout is also kept, best effort, among the hook's
last failures for the dashboard's configuration page (`storage.hook_errors`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from .deadline import DeadlineExceeded
from .exceptions import DahooksError, HookError, HookFailedError, HookTimeoutError
from .hooks import call_hook, load_hook, wants_callback
from .json_output import compact_finite
from .logs import logger
from .metrics import HookRun
from .storage.hook_errors import HookFailure, cause_of

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from .context import Context
    from .hook_types import HookType


class Answer(NamedTuple):
    """A hook's answer as its documented response body, and that body as JSON text: encoding the
    body is how it is checked to be JSON, so the text a response carries comes from that check."""

    body: dict[str, Any]
    text: str


@dataclass(frozen=True)
class LoadedHook:
    """A hook type with its hook.py loaded (or None: not configured) and its calling style read once."""

    hook_type: HookType
    hook: Callable[..., Any] | None
    with_callback: bool

    @classmethod
    def load(cls, hook_type: HookType, path: Path) -> LoadedHook:
        hook = load_hook(path, f"dahooks_hook_{hook_type.name.replace('-', '_')}")
        return cls(hook_type, hook, hook is not None and wants_callback(hook, 1))

    @property
    def name(self) -> str:
        return self.hook_type.name

    @property
    def _named(self) -> dict[str, str]:
        """The `hook` key of its records: a function that runs every hook type (the users API) logs
        them all to one log group, and the saved queries and the dashboard pick each hook's by it."""
        return {"hook": self.name}

    def run(self, ctx: Context, body: dict[str, Any], seconds: float) -> dict[str, Any]:
        """The hook's answer to `ctx` as its documented response body; `body` is the request the
        default answer is made from when there is no hook.py. Raises the error the caller gets.
        Counted in the hook type's metrics, with the time it took, however it ends."""
        return self.answer(ctx, body, seconds).body

    def answer(self, ctx: Context, body: dict[str, Any], seconds: float) -> Answer:
        """`run`'s answer with its JSON text, for a caller that sends it on as it is."""
        with HookRun(self.name) as run:
            return self._answer(ctx, body, seconds, run.started)

    def _answer(self, ctx: Context, body: dict[str, Any], seconds: float, started: float) -> Answer:
        if self.hook is None:
            default = self.hook_type.check_result(self.hook_type.default_result(body))
            return Answer(default, compact_finite.dumps(default))
        try:
            result = call_hook(
                self.hook, (ctx,), hook_name=self.name, seconds=seconds, with_callback=self.with_callback
            )
        except HookError as error:
            raise self.refusal(error) from None
        except DahooksError:
            raise  # a dependency (storage) failure, with its own status
        except DeadlineExceeded:
            late = f"still running at its {seconds:.1f} s deadline"
            raise self.kept(ctx, self.timeout(seconds, started), late) from None
        except Exception as error:
            raise self.kept(ctx, self.crash(), cause_of(error)) from None
        try:
            return self.encoded(result)
        except HookFailedError as failure:
            problem = failure.__context__  # what the result checker said, suppressed in the answer
            raise self.kept(ctx, failure, cause_of(problem) if problem else "") from None

    def checked(self, result: Any) -> dict[str, Any]:
        """`result` as the hook type's response body; `HookFailedError` when it is not one, or not JSON."""
        return self.encoded(result).body

    def encoded(self, result: Any) -> Answer:
        """`checked`'s body with its JSON text."""
        try:
            body = self.hook_type.check_result(result)
            # The checker sees the outer shape only; the encoder refuses what is inside: a datetime,
            # a set, NaN or a cycle.
            return Answer(body, compact_finite.dumps(body))
        except (ValueError, TypeError, RecursionError) as problem:
            logger.error(f"the {self.name} hook returned a result of the wrong shape: {problem}", extra=self._named)
            raise HookFailedError(f"The {self.name} hook returned an invalid result.") from None

    def kept(self, ctx: Context, failure: DahooksError, cause: str) -> DahooksError:
        """`failure`, once kept among the hook's last failures (best effort: never changes the answer)."""
        ctx.container.record_failure(
            HookFailure(
                hook=self.name,
                error=failure.code,
                message=str(failure),
                cause=cause,
                request_id=ctx.request_id,
                where=os.environ.get("AWS_LAMBDA_FUNCTION_NAME", ""),
            )
        )
        return failure

    def refusal(self, error: HookError) -> HookError:
        """The hook's refusal as the caller gets it: its own message, with its hook type's status."""
        refusal = HookError(str(error))
        refusal.status = self.hook_type.refusal_status
        logger.info(
            "the hook refused the request", extra={**self._named, "status": refusal.status, "reason": str(error)}
        )
        return refusal

    def crash(self) -> HookFailedError:
        """What a hook that raised becomes (call inside the `except`: the traceback goes to the logs)."""
        logger.exception(f"the {self.name} hook raised an exception", extra=self._named)
        return HookFailedError(f"The {self.name} hook failed.")

    def timeout(self, seconds: float, started: float) -> HookTimeoutError:
        """What a hook past its deadline becomes; `started` is when it started (`time.perf_counter()`)."""
        elapsed_ms = round((time.perf_counter() - started) * 1000)
        logger.error(
            f"the {self.name} hook did not finish within its deadline",
            extra={**self._named, "deadline_ms": round(seconds * 1000), "elapsed_ms": elapsed_ms},
        )
        return HookTimeoutError(f"The {self.name} hook did not finish in time.")
