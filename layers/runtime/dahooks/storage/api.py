"""The /custom-data HTTP API (§4): read, versioned write, and the audit history.

API Gateway's JWT authorizer has already checked the token and the route's scope
(`custom-data:read` for the GETs, `custom-data:write` for PUT); the token's subject is what the
audit records as the writer. Routing is Powertools' APIGatewayHttpResolver; every error leaves
as the §4 body `{"error", "message", "requestId"}`, never a stack trace.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from ..exceptions import DahooksError, InvalidRequestError
from ..logs import logger, with_invocation_context
from ..responses import JSON_HEADERS, error_response, json_response, jwt_claims_of, request_id_of
from ..validation import parse_json_object, read_body
from . import Storage, from_environment

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.typing import LambdaContext

# If-Match carries the version: 3, "3" (an ETag as GET returns it) or W/"3"; * means any version.
_IF_MATCH = re.compile(r'\s*(?:W/)?"?(\d{1,15})"?\s*\Z')


class _RouteNotFoundError(DahooksError):
    """A path or method this API does not serve (API Gateway only routes the template's, so: local calls)."""

    status = 404
    code = "NotFound"


def _etag(version: int) -> dict[str, str]:
    return {"etag": f'"{version}"'}


def parse_if_match(value: str | None) -> int | None:
    """The version an If-Match header demands, or None when there is none (or it is `*`)."""
    if value is None or value.strip() == "*":
        return None
    match = _IF_MATCH.match(value)
    if match is None:
        raise InvalidRequestError("If-Match", 'must be a version number, e.g. 3 or "3"')
    return int(match.group(1))


def parse_put_body(raw: bytes) -> dict[str, Any]:
    """The `data` of a PUT body, which must be exactly `{"data": {...}}`."""
    body = parse_json_object(raw)
    if set(body) != {"data"}:
        raise InvalidRequestError("body", 'must be {"data": {...}} and nothing else')
    if not isinstance(body["data"], dict):
        raise InvalidRequestError("data", "must be an object")
    return body["data"]


class CustomDataApi:
    """The handler of CustomDataFunction; it lives as long as the container, with its Storage."""

    def __init__(self, storage_factory: Callable[[], Storage] = from_environment) -> None:
        self._storage_factory = storage_factory
        self._storage: Storage | None = None
        self.app = APIGatewayHttpResolver()
        self.app.get("/custom-data")(self.read)
        self.app.put("/custom-data")(self.write)
        self.app.get("/custom-data/history")(self.history)
        self.app.not_found(self._not_found)
        self.app.exception_handler(DahooksError)(self._error)
        self.app.exception_handler(Exception)(self._crash)
        self._handle = with_invocation_context(self.app.resolve)

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return self._handle(event, context)

    @property
    def storage(self) -> Storage:
        if self._storage is None:
            self._storage = self._storage_factory()
        return self._storage

    def _event(self) -> dict[str, Any]:
        return self.app.current_event.raw_event

    def read(self) -> Response[str]:
        current = self.storage.snapshot()
        body = {"data": current.data, "version": current.version, "size": current.size}
        return self._response(json_response(200, body, _etag(current.version)))

    def write(self) -> Response[str]:
        event = self._event()
        data = parse_put_body(read_body(event))
        expected = parse_if_match(self.app.current_event.headers.get("if-match"))
        who = str(jwt_claims_of(event).get("sub") or "api")
        version = self.storage.write(data, expected_version=expected, actor=who)
        logger.info("custom data written", extra={"version": version, "who": who})
        return self._response(json_response(200, {"version": version}, _etag(version)))

    def history(self) -> Response[str]:
        return self._response(json_response(200, {"history": self.storage.history()}))

    def _error(self, error: DahooksError) -> Response[str]:
        logger.info("request answered with an error", extra={"status": error.status, "error": error.code})
        return self._response(error_response(error, request_id_of(self._event())))

    def _crash(self, error: Exception) -> Response[str]:
        logger.exception("the custom data API failed")
        failure = DahooksError("the custom data request failed; see the logs for details")
        return self._response(error_response(failure, request_id_of(self._event())))

    def _not_found(self, error: Exception) -> Response[str]:
        return self._response(error_response(_RouteNotFoundError("no such route"), request_id_of(self._event())))

    @staticmethod
    def _response(response: dict[str, Any]) -> Response[str]:
        return Response(
            status_code=response["statusCode"],
            content_type=JSON_HEADERS["content-type"],
            body=response["body"],
            headers={name: value for name, value in response["headers"].items() if name != "content-type"},
        )
