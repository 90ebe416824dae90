"""The Lambda handler every synchronous hook function shares: event in, §4 response out.

`functions/<hook>/app.py` is one line of wiring around `HookFunction`; everything between API
Gateway's event and the hook (parsing, validation, the ctx, the deadline, result checking, error
bodies, logging) happens here, once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from . import storage
from .context import Container, Context, Request
from .deadline import DeadlineExceeded, margin_seconds
from .exceptions import DahooksError, HookError, HookFailedError, HookTimeoutError
from .hook_types import HookType, hook_type
from .hooks import call_hook, load_hook, wants_callback
from .logs import logger, with_invocation_context
from .responses import error_response, json_response, jwt_claims_of, request_id_of
from .validation import parse_json_object, read_body

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from aws_lambda_powertools.utilities.typing import LambdaContext

    from .storage import Storage


class HookFunction:
    """The handler of one hook type; an instance is what `app.handler` points at.

    It lives as long as the container: the hook module is loaded once, and `ctx.globals`, the
    HTTP session and the storage clients are kept between invocations.
    """

    def __init__(
        self,
        hook: HookType | str,
        hook_path: Path,
        *,
        storage_factory: Callable[[], Storage] | None = None,
    ) -> None:
        # A name is looked up now, so that a typo fails when app.py is imported, not on a request.
        self.hook_type = hook if isinstance(hook, HookType) else hook_type(hook)
        self.hook_name = self.hook_type.name
        self.hook = load_hook(hook_path, f"dahooks_hook_{self.hook_name.replace('-', '_')}")
        self.with_callback = self.hook is not None and wants_callback(self.hook, 1)
        # Custom data and the cache (§5): built on a hook's first ctx.read/write/update/cache.
        self.container = Container(storage_factory=storage_factory or storage.from_environment)
        self.deadline_margin = margin_seconds()
        self._handle = with_invocation_context(self._respond)

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return self._handle(event, context)

    def _respond(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        request_id = request_id_of(event)
        logger.append_keys(hook=self.hook_name)
        try:
            body = parse_json_object(read_body(event))
            self.hook_type.validate_request(body)
            ctx = self._context(body, event, request_id)
            logger.append_keys(actor=ctx.request.user.get("user_id"))
            return self._run(ctx, body, context)
        except HookError as error:
            status = self.hook_type.refusal_status
            logger.info("the hook refused the request", extra={"status": status, "reason": str(error)})
            return {**error_response(error, request_id), "statusCode": status}
        except DahooksError as error:
            logger.info("request answered with an error", extra={"status": error.status, "error": error.code})
            return error_response(error, request_id)

    def _context(self, body: dict[str, Any], event: dict[str, Any], request_id: str) -> Context:
        request = body.get("request") or {}
        return Context(
            hook_name=self.hook_name,
            payload=body.get("payload") or {},
            request=Request(user=request.get("user") or {}, original_user=request.get("originalUser")),
            container=self.container,
            method=body.get("method"),
            user_fields=body.get("userFields") or [],
            locale=body.get("locale"),
            request_id=request_id,
            caller=str(jwt_claims_of(event).get("sub") or ""),
        )

    def _run(self, ctx: Context, body: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        """The hook's outcome as the 200 response, or the error the handler answers with."""
        if self.hook is None:
            return json_response(200, self.hook_type.check_result(self.hook_type.default_result(body)))
        seconds = context.get_remaining_time_in_millis() / 1000 - self.deadline_margin
        started = time.monotonic()
        try:
            result = call_hook(
                self.hook, (ctx,), hook_name=self.hook_name, seconds=seconds, with_callback=self.with_callback
            )
        except DahooksError:
            raise  # a refusal, or a dependency (storage) failure with its own status
        except DeadlineExceeded:
            elapsed_ms = round((time.monotonic() - started) * 1000)
            logger.error(
                f"the {self.hook_name} hook did not finish within its deadline",
                extra={"deadline_ms": round(seconds * 1000), "elapsed_ms": elapsed_ms},
            )
            raise HookTimeoutError(f"The {self.hook_name} hook did not finish in time.") from None
        except Exception:
            logger.exception(f"the {self.hook_name} hook raised an exception")
            raise HookFailedError(f"The {self.hook_name} hook failed.") from None
        try:
            return json_response(200, self.hook_type.check_result(result))
        except (ValueError, TypeError, RecursionError) as problem:
            # ResultShapeError (a ValueError) from the checker, which sees the outer shape only, or
            # json.dumps refusing what is inside: a datetime, a set, NaN or a cycle.
            logger.error(f"the {self.hook_name} hook returned a result of the wrong shape: {problem}")
            raise HookFailedError(f"The {self.hook_name} hook returned an invalid result.") from None
