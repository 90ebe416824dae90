"""HTTP API (payload format 2.0) responses: JSON bodies, and the error body `{"error", "message", "requestId"}`."""

from __future__ import annotations

from typing import Any

from .exceptions import DahooksError, InvalidRequestError
from .json_output import compact_finite

JSON_HEADERS = {"content-type": "application/json"}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A response whose body is `body` as JSON; NaN and Infinity are refused (ValueError): they are not JSON."""
    return json_text_response(status, compact_finite.dumps(body), headers)


def json_text_response(status: int, text: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A response whose body is `text`, JSON encoded already (as `compact_finite.dumps` writes it)."""
    return {"statusCode": status, "headers": {**JSON_HEADERS, **headers} if headers else {**JSON_HEADERS}, "body": text}


def error_body(error: DahooksError, request_id: str) -> dict[str, Any]:
    """`{"error", "message", "requestId"}` (and `field` for a bad request), never a stack trace."""
    body: dict[str, Any] = {"error": error.code, "message": str(error), "requestId": request_id}
    if isinstance(error, InvalidRequestError) and error.field:
        body["field"] = error.field
    return body


def error_response(error: DahooksError, request_id: str) -> dict[str, Any]:
    """The error's status with its `error_body`."""
    return json_response(error.status, error_body(error, request_id))


def request_id_of(event: dict[str, Any]) -> str:
    """API Gateway's request id: the one the caller can quote and the logs carry."""
    return str((event.get("requestContext") or {}).get("requestId") or "")


def jwt_claims_of(event: dict[str, Any]) -> dict[str, Any]:
    """The claims API Gateway's JWT authorizer verified, or {} on an unauthenticated route."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return (authorizer.get("jwt") or {}).get("claims") or {}
