"""The Lambda handler every synchronous hook function shares: event in, the documented response out.

`functions/<hook>/app.py` is one line of wiring around `HookFunction`; everything between API
Gateway's event and the hook (parsing, validation, the ctx, the deadline, result checking, error
bodies, logging) happens here, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import storage
from .callers import require_machine
from .context import Container, Context, Request
from .deadline import margin_seconds
from .exceptions import DahooksError
from .hook_types import HookType, hook_type
from .logs import append_key, logger, with_invocation_context
from .metrics import MetricsDestination, hook_metrics
from .responses import error_response, json_text_response, jwt_claims_of, request_id_of
from .running import LoadedHook
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
        self.loaded = LoadedHook.load(self.hook_type, hook_path)
        # Custom data and the cache: built on a hook's first ctx.read/write/update/cache.
        self.container = Container(storage_factory=storage_factory or storage.from_environment)
        self.deadline_margin = margin_seconds()
        self.metrics_destination = MetricsDestination.from_environment()
        self._handle = with_invocation_context(self._respond, keys={"hook": self.hook_name})

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return self._handle(event, context)

    def _respond(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        request_id = request_id_of(event)  # once: the error body and the metrics line both carry it
        try:
            claims = jwt_claims_of(event)
            require_machine(claims)  # request.user comes from the body: trusted servers only
            body = parse_json_object(read_body(event))
            self.hook_type.validate_request(body)
            ctx = self._context(body, str(claims.get("sub") or ""), request_id)
            append_key("actor", ctx.request.user.get("user_id"))
            seconds = context.get_remaining_time_in_millis() / 1000 - self.deadline_margin
            return json_text_response(200, self.loaded.answer(ctx, body, seconds).text)
        except DahooksError as error:
            logger.info("request answered with an error", extra={"status": error.status, "error": error.code})
            return error_response(error, request_id)
        finally:
            # Here, inside the invocation's logging wrapper, not around it in `__call__` as JsonApi and
            # the registration functions flush: the request id read above serves this line too. The
            # line goes straight to stdout, not through the logger: the wrapper's keys do not touch it.
            hook_metrics.flush(self.metrics_destination, correlation_id=request_id)

    def _context(self, body: dict[str, Any], caller: str, request_id: str) -> Context:
        request = body.get("request") or {}
        # Positional, in the order the fields are declared: matching the arguments by keyword was
        # 7.6k of the 17.6k instructions the ctx took to build. test_runtime's ctx test checks each field.
        return Context(
            self.hook_name,
            body.get("payload") or {},
            Request(request.get("user") or {}, request.get("originalUser")),
            self.container,
            body.get("method"),
            body.get("userFields") or [],
            body.get("locale"),
            request_id,
            caller,
        )
