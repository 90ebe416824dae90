"""The /custom-data HTTP API: read, versioned write, and the audit history.

API Gateway's JWT authorizer has already checked the token and the route's scope
(`custom-data:read` for the GETs, `custom-data:write` for PUT); the token's subject is what the
audit records as the writer. Routing and error bodies are `dahooks.json_api`'s.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..exceptions import InvalidRequestError
from ..json_api import JsonApi
from ..logs import logger
from ..responses import jwt_claims_of
from ..validation import parse_json_object, read_body
from . import Storage, from_environment

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.event_handler import Response

# If-Match carries the version: 3, "3" (an ETag as GET returns it) or W/"3"; * means any version.
_IF_MATCH = re.compile(r'\s*(?:W/)?"?(\d{1,15})"?\s*\Z')


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


class CustomDataApi(JsonApi):
    """The handler of CustomDataFunction; it lives as long as the container, with its Storage."""

    def __init__(self, storage_factory: Callable[[], Storage] = from_environment) -> None:
        super().__init__("custom data")
        self._storage_factory = storage_factory
        self._storage: Storage | None = None
        self.app.get("/custom-data")(self.read)
        self.app.put("/custom-data")(self.write)
        self.app.get("/custom-data/history")(self.history)

    @property
    def storage(self) -> Storage:
        if self._storage is None:
            self._storage = self._storage_factory()
        return self._storage

    def read(self) -> Response[str]:
        current = self.storage.snapshot()
        body = {"data": current.data, "version": current.version, "size": current.size}
        return self.answer(200, body, _etag(current.version))

    def write(self) -> Response[str]:
        event = self.event()
        data = parse_put_body(read_body(event))
        expected = parse_if_match(self.app.current_event.headers.get("if-match"))
        who = str(jwt_claims_of(event).get("sub") or "api")
        version = self.storage.write(data, expected_version=expected, actor=who)
        logger.info("custom data written", extra={"version": version, "who": who})
        return self.answer(200, {"version": version}, _etag(version))

    def history(self) -> Response[str]:
        return self.answer(200, {"history": self.storage.history()})
