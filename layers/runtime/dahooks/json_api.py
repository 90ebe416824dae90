"""A function that serves several HTTP API routes: Powertools' APIGatewayHttpResolver, JSON in and out.

What every such function shares, so each states only its routes: an answer is a JSON body; a
runtime error leaves as its status and the error body `{"error", "message", "requestId"}`; anything
else that escapes a route is logged with its traceback and answered 500 `InternalError`, never with
a stack trace; a path or method the function does not serve (API Gateway only routes the
template's, so: a local call) is 404 `NotFound`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from .exceptions import DahooksError, NotFoundError
from .logs import logger, with_invocation_context
from .metrics import MetricsDestination, hook_metrics
from .responses import JSON_HEADERS, error_response, json_response, request_id_of

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


class JsonApi:
    """The resolver, its error handling and the Lambda entry point; subclasses add routes to `app`."""

    def __init__(self, name: str) -> None:
        self.name = name  # in the log line and the answer of a request that failed
        self.app = APIGatewayHttpResolver()
        self.app.not_found(self._not_found)
        self.app.exception_handler(DahooksError)(self._error)
        self.app.exception_handler(Exception)(self._crash)
        self._handle = with_invocation_context(self.app.resolve)
        self.metrics_destination = MetricsDestination.from_environment()

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            return self._handle(event, context)
        finally:
            # The hooks a route ran in process (the users API runs them), in the hook types' metrics.
            hook_metrics.flush(self.metrics_destination, correlation_id=request_id_of(event))

    def event(self) -> dict[str, Any]:
        """The raw HTTP API event of the request being answered."""
        return self.app.current_event.raw_event

    def answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
        """A JSON answer, as the resolver's route functions return it."""
        return as_response(json_response(status, body, headers))

    @staticmethod
    def no_content() -> Response[str]:
        """204: done, nothing to say."""
        return Response(status_code=204, body="")

    def _error(self, error: DahooksError) -> Response[str]:
        logger.info("request answered with an error", extra={"status": error.status, "error": error.code})
        return as_response(error_response(error, request_id_of(self.event())))

    def _crash(self, error: Exception) -> Response[str]:
        logger.exception(f"the {self.name} API failed")
        failure = DahooksError(f"the {self.name} request failed; see the logs for details")
        return as_response(error_response(failure, request_id_of(self.event())))

    def _not_found(self, error: Exception) -> Response[str]:
        return as_response(error_response(NotFoundError("no such route"), request_id_of(self.event())))


def as_response(response: dict[str, Any]) -> Response[str]:
    """A Lambda proxy response (`json_response`, `error_response`) as the resolver's Response."""
    return Response(
        status_code=response["statusCode"],
        content_type=JSON_HEADERS["content-type"],
        body=response["body"],
        headers={name: value for name, value in response["headers"].items() if name != "content-type"},
    )
