"""HTTP API (payload format 2.0) on both sides of a function: the event it gets, and what its result
becomes on the wire.

Both follow AWS's documentation of Lambda proxy integrations for HTTP APIs ("Working with AWS Lambda
proxy integrations for HTTP APIs"): headers lower-cased and repeated ones joined with commas,
cookies in their own list, a body base64-encoded unless it is text; and on the way back a result
with `statusCode` used as given, any other JSON value sent as a 200 `application/json` body, and
anything malformed answered like a failed function.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from . import aws

if TYPE_CHECKING:
    from .template import Route

INTERNAL_ERROR = (500, {"message": "Internal Server Error"})
NOT_FOUND = (404, {"message": "Not Found"})
UNAUTHORIZED = (401, {"message": "Unauthorized"})
FORBIDDEN = (403, {"message": "Forbidden"})
TOO_LARGE = (413, {"message": "Request Entity Too Large"})
BAD_REQUEST = (400, {"message": "Bad Request"})

_TEXT_TYPES = re.compile(r"^(text/|application/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(json|xml))", re.I)


@dataclass
class HttpRequest:
    """One request as the gateway read it off the socket."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"

    @property
    def path(self) -> str:
        return unquote(self.target.split("?", 1)[0])

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name]
        return ",".join(values) if values else None


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    cookies: list[str] = field(default_factory=list)


def json_answer(answer: tuple[int, dict[str, Any]]) -> HttpResponse:
    """One of API Gateway's own answers (401, 403, 404, 500...)."""
    status, body = answer
    return HttpResponse(status, {"content-type": "application/json"}, json.dumps(body, separators=(",", ":")).encode())


def new_request_id() -> str:
    """An id shaped like API Gateway's (e.g. "JKJaXmPLvHcESHA=")."""
    return base64.b64encode(os.urandom(10)).decode()[:15] + "="


class Router:
    """Matches a method and path to a template route as HTTP API does: exact paths before
    `{param}` paths, `{proxy+}` last; `ANY` matches every method."""

    def __init__(self, routes: list[Route]) -> None:
        def rank(route: Route) -> tuple[int, int]:
            return (route.path.count("+}"), route.path.count("{"))

        self.routes = sorted(routes, key=rank)
        self._patterns = [(route, _path_pattern(route.path)) for route in self.routes]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route, pattern in self._patterns:
            if route.method not in ("ANY", method):
                continue
            found = pattern.fullmatch(path)
            if found:
                return route, found.groupdict()
        return None


def _path_pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    regex = ""
    for part in parts:
        if part.startswith("{") and part.endswith("+}"):
            regex += f"(?P<{part[1:-2]}>.+)"
        elif part.startswith("{"):
            regex += f"(?P<{part[1:-1]}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(regex)


def build_event(
    request: HttpRequest,
    route: Route,
    path_parameters: dict[str, str],
    request_id: str,
    authorizer: dict[str, Any] | None,
    host: str,
) -> dict[str, Any]:
    """The complete payload-2.0 event API Gateway sends the route's function."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for key, value in request.headers:
        name = key.lower()
        if name == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": request.path,
        "rawQueryString": request.query,
        "headers": headers,
        "requestContext": {
            "accountId": aws.ACCOUNT,
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route.route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if authorizer is not None:
        event["requestContext"]["authorizer"] = authorizer
    if cookies:
        event["cookies"] = cookies
    if request.query:
        query: dict[str, str] = {}
        for name, value in parse_qsl(request.query, keep_blank_values=True):
            query[name] = f"{query[name]},{value}" if name in query else value
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if request.body:
        event["body"], event["isBase64Encoded"] = _event_body(request.body, headers.get("content-type", ""))
    return event


def _event_body(body: bytes, content_type: str) -> tuple[str, bool]:
    if not content_type or _TEXT_TYPES.match(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode(), True


def http_response(result: Any) -> HttpResponse:
    """What API Gateway sends the client for a function's result (payload format 2.0)."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return HttpResponse(200, {"content-type": "application/json"}, json.dumps(result).encode())
    status = result["statusCode"]
    headers = result.get("headers") or {}
    body = result.get("body")
    cookies = result.get("cookies") or []
    if (
        not isinstance(status, int)
        or isinstance(status, bool)
        or not 100 <= status <= 599
        or not isinstance(headers, dict)
        or not isinstance(cookies, list)
        or (body is not None and not isinstance(body, str))
    ):
        raise ValueError("the function's response is not a valid HTTP API response")
    raw = (body or "").encode("utf-8")
    if result.get("isBase64Encoded") and body:
        raw = base64.b64decode(body)
    return HttpResponse(status, {str(k).lower(): str(v) for k, v in headers.items()}, raw, [str(c) for c in cookies])
