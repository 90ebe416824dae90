"""The local API Gateway: an HTTP/1.1 server that serves the template's HttpApi routes.

For every request, as API Gateway's HTTP API does: match a route (404 `{"message": "Not Found"}`
otherwise), run the route's JWT authorizer (401/403), build the payload-2.0 event, invoke the
route's function in its warm worker, and turn the result into the response; a function that fails
or times out is 500 `{"message": "Internal Server Error"}`. Every response carries
`apigw-requestid`, the event's requestId, and every request leaves a line in the access log
(local/access_log.py). `POST /oauth/token` is the local issuer's token endpoint (local/token_endpoint.py),
what a machine client's issuer serves in production. What no route serves may be the dashboard's pages
(local/dashboard_site.py), which CloudFront serves in AWS.

asyncio and keep-alive: one event loop serves every connection and waits on the workers without a
thread per request, which is what makes milliseconds per request possible on a small machine.
It binds 127.0.0.1 by default and refuses anything but a loopback address unless told otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import ipaddress
import time
from http import HTTPStatus
from typing import TYPE_CHECKING

from .access_log import AccessEntry
from .authorizer import Forbidden, JwtAuthorizer, Unauthorized
from .http_api import (
    BAD_REQUEST,
    FORBIDDEN,
    INTERNAL_ERROR,
    NOT_FOUND,
    TOO_LARGE,
    UNAUTHORIZED,
    HttpRequest,
    HttpResponse,
    Router,
    build_event,
    http_response,
    json_answer,
    new_request_id,
)
from .token_endpoint import TOKEN_PATH
from .worker_pool import FunctionError, WorkerPool

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .access_log import AccessLog
    from .dashboard_site import DashboardSite
    from .template import Route
    from .token_endpoint import TokenEndpoint

MAX_BODY_BYTES = 10 * 1024 * 1024  # HTTP API's payload limit
MAX_HEADER_BYTES = 64 * 1024
IDLE_TIMEOUT_S = 30.0


class NonLoopbackBindError(ValueError):
    """The gateway was asked to listen on an address other machines can reach."""


def ensure_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise NonLoopbackBindError(
            f"refusing to listen on {host}: the local stack serves development tokens; "
            "pass --allow-non-loopback (HOST=... with ALLOW_NON_LOOPBACK=1) if you really mean it"
        )


class _BadRequest(Exception):
    """The bytes on the socket are not an HTTP/1.x request we can answer; `answer` is API Gateway's
    answer to it (400, or 413 for a request over its limits)."""

    def __init__(self, reason: str, answer: tuple[int, dict[str, str]] = BAD_REQUEST) -> None:
        super().__init__(reason)
        self.answer = answer


class Gateway:
    """Serves `routes` with `pool`'s functions behind their authorizers; `start` returns the bound port.

    A route's authorizer is the one `authorizers` has under its name (the template's second one, for
    dashboard users' tokens, say), or else `authorizer` (the API's default).
    """

    def __init__(
        self,
        routes: list[Route],
        pool: WorkerPool,
        authorizer: JwtAuthorizer,
        *,
        authorizers: Mapping[str, JwtAuthorizer] | None = None,
        host: str = "127.0.0.1",
        port: int = 3000,
        allow_non_loopback: bool = False,
        access_log: AccessLog | None = None,
        token_endpoint: TokenEndpoint | None = None,
        site: DashboardSite | None = None,
    ) -> None:
        if not allow_non_loopback:
            ensure_loopback(host)
        self.router = Router(routes)
        self.pool = pool
        self.authorizer = authorizer
        self.authorizers = dict(authorizers or {})
        self.host = host
        self.port = port
        self.access_log = access_log
        self.token_endpoint = token_endpoint
        self.site = site
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(
            self._connection, self.host, self.port, limit=MAX_HEADER_BYTES, reuse_address=True
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        peer = writer.get_extra_info("peername") or ("127.0.0.1", 0)
        try:
            while True:
                try:
                    request = await asyncio.wait_for(_read_request(reader, peer[0]), IDLE_TIMEOUT_S)
                except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
                    return
                except _BadRequest as problem:
                    await _write(writer, json_answer(problem.answer), new_request_id(), keep_alive=False)
                    return
                keep_alive = _keeps_alive(request)
                response, request_id = await self.handle(request)
                await _write(writer, response, request_id, keep_alive=keep_alive, head=request.method == "HEAD")
                if not keep_alive:
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            self._connections.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def handle(self, request: HttpRequest) -> tuple[HttpResponse, str]:
        """The response API Gateway would send for `request`, and the request id."""
        entry = AccessEntry(
            request_id=new_request_id(),
            source_ip=request.source_ip,
            method=request.method,
            path=request.path,
            protocol=request.protocol,
            user_agent=request.header("user-agent") or "",
            started=time.time(),
        )
        started = time.perf_counter()
        response = await self._respond(request, entry)
        entry.status, entry.response_length = response.status, len(response.body)
        entry.response_ms = (time.perf_counter() - started) * 1000
        if self.access_log is not None:
            self.access_log.write(entry)
        return response, entry.request_id

    async def _respond(self, request: HttpRequest, entry: AccessEntry) -> HttpResponse:
        if self.token_endpoint is not None and request.method == "POST" and request.path == TOKEN_PATH:
            entry.route_key = f"POST {TOKEN_PATH}"
            response, entry.integration_error = self.token_endpoint.answer(request)
            return response
        found = self.router.match(request.method, request.path)
        if found is None:
            page = await self.site.answer(request) if self.site is not None else None
            if page is None:
                return json_answer(NOT_FOUND)
            entry.route_key = "dashboard"  # CloudFront's, not a route: in AWS these lines are in its logs
            return page
        route, path_parameters = found
        entry.route_key = route.route_key
        authorizer = None
        if route.authorized:
            try:
                checks = self.authorizers.get(route.authorizer or "", self.authorizer)
                authorizer = checks.authorize(request.header("authorization"), route.scopes).as_event()
            except Unauthorized as reason:
                entry.authorizer_error = str(reason)
                return json_answer(UNAUTHORIZED)
            except Forbidden as reason:
                entry.authorizer_error = str(reason)
                return json_answer(FORBIDDEN)
        host = request.header("host") or f"{self.host}:{self.port}"
        event = build_event(request, route, path_parameters, entry.request_id, authorizer, host.split(":", 1)[0])
        started = time.perf_counter()
        try:
            result = await self.pool.invoke_async(route.function, event)
            response = http_response(result)
            entry.integration_status = 200
            return response
        except FunctionError as error:
            entry.integration_status, entry.integration_error = 200, f"{route.function}: {error}"
            return json_answer(INTERNAL_ERROR)
        except ValueError as error:
            self.pool.pools[route.function].log.write(f"malformed Lambda proxy response: {error}")
            entry.integration_status, entry.integration_error = 200, f"{route.function}: {error}"
            return json_answer(INTERNAL_ERROR)
        finally:
            entry.integration_ms = (time.perf_counter() - started) * 1000


async def _read_request(reader: asyncio.StreamReader, source_ip: str) -> HttpRequest:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise _BadRequest("headers too large", TOO_LARGE) from None
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, protocol = lines[0].split(" ")
    except ValueError:
        raise _BadRequest("bad request line") from None
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise _BadRequest("bad header line")
        headers.append((name.strip(), value.strip()))
    request = HttpRequest(method.upper(), target, headers, b"", source_ip, protocol)
    request.body = await _read_body(reader, request)
    return request


async def _read_body(reader: asyncio.StreamReader, request: HttpRequest) -> bytes:
    if (request.header("transfer-encoding") or "").lower().endswith("chunked"):
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise _BadRequest("body too large", TOO_LARGE)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length_text = request.header("content-length")
    if not length_text:
        return b""
    try:
        length = int(length_text)
    except ValueError:
        raise _BadRequest("bad content-length") from None
    if length > MAX_BODY_BYTES:
        raise _BadRequest("body too large", TOO_LARGE)
    return await reader.readexactly(length)


def _keeps_alive(request: HttpRequest) -> bool:
    connection = (request.header("connection") or "").lower()
    if request.protocol == "HTTP/1.0":
        return "keep-alive" in connection
    return "close" not in connection


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True))
    return _date_cache[1]


async def _write(
    writer: asyncio.StreamWriter, response: HttpResponse, request_id: str, *, keep_alive: bool, head: bool = False
) -> None:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    headers = {
        "date": _http_date(),
        "content-type": "application/json",
        **response.headers,
        "content-length": str(len(response.body)),
        "connection": "keep-alive" if keep_alive else "close",
        "apigw-requestid": request_id,
    }
    lines = [f"HTTP/1.1 {response.status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"set-cookie: {cookie}" for cookie in response.cookies]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head else response.body))
    await writer.drain()
