"""The users API's Lambda handler: every route of `routes`, for the dashboard user the token names.

For each request: who acts comes from the verified token (`caller`), never from the body; the
route's permission is checked against the caller's role (403 `Forbidden` naming it); the route
runs (`reading`, `changing`); and its audit is settled (`audit_trail`) whatever it ended with.
Errors leave as the runtime's error body (`dahooks.json_api`).
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

from .. import storage
from ..deadline import margin_seconds
from ..json_api import JsonApi
from ..logs import logger
from ..responses import jwt_claims_of, request_id_of
from ..validation import read_body
from . import settings as users_settings
from .audit_trail import AuditTrail
from .exchange import Exchange, Services
from .in_process import InProcessHooks
from .roles import require
from .routes import ROUTES, Route
from .services import build_services, cognito_directory

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from aws_lambda_powertools.event_handler import Response

    from ..directory import Directory
    from ..storage import Storage
    from .settings import UsersApiSettings


class UsersApi(JsonApi):
    """The handler of UsersFunction; it lives as long as the container, with its hooks and caches.

    `functions` is the folder holding every function (the users function's own code): the hooks
    are loaded from there at import, so a hook that does not load fails the cold start, not a request.
    """

    def __init__(
        self,
        functions: Path,
        *,
        settings: UsersApiSettings | None = None,
        storage_factory: Callable[[], Storage] = storage.from_environment,
        directory_factory: Callable[[UsersApiSettings], Directory] = cognito_directory,
    ) -> None:
        super().__init__("users")
        self.settings = settings or users_settings.from_environment()
        self._storage = functools.cache(storage_factory)
        self._directory_factory = directory_factory
        self.hooks = InProcessHooks(functions, self._storage)
        self.deadline_margin = margin_seconds()
        self._services: Services | None = None
        self._lock = threading.Lock()
        for route in ROUTES:
            self.app.route(route.path, method=route.method)(self._endpoint(route))

    @property
    def services(self) -> Services:
        if self._services is None:
            with self._lock:
                if self._services is None:
                    self._services = build_services(self.settings, self.hooks, self._storage(), self._directory_factory)
        return self._services

    def _remaining(self) -> float:
        """Seconds a hook may still run: what is left of the invocation, less the margin to answer."""
        return self.app.lambda_context.get_remaining_time_in_millis() / 1000 - self.deadline_margin

    def _endpoint(self, route: Route) -> Callable[..., Response[str]]:
        """The resolver's function for `route` (named after the route's own, as Powertools wants a name)."""

        def endpoint(**_: Any) -> Response[str]:  # path parameters are read from the event, decoded
            return self._serve(route)

        endpoint.__name__ = route.handler.__name__
        return endpoint

    def _serve(self, route: Route) -> Response[str]:
        event = self.event()
        claims = jwt_claims_of(event)
        path = event.get("pathParameters") or {}
        request_id = request_id_of(event)
        services = self.services  # built by the first request (a 503 when a dependency is down)
        who = str(claims.get("username") or claims.get("sub") or "")
        trail = AuditTrail(
            services.audit,
            services.audit.event(who, route.action, path.get("id", ""), request_id),
            changes=route.changes,
        )
        logger.append_keys(actor=who, route=f"{route.method} {route.path}")
        try:
            caller = services.acting_users.caller(claims)
            require(caller.role, route.needs)
            exchange = Exchange(
                services=services,
                caller=caller,
                action=route.action,
                request_id=request_id,
                audit=trail,
                remaining=self._remaining,
                path=path,
                query=event.get("queryStringParameters") or {},
                headers={name.lower(): value for name, value in (event.get("headers") or {}).items()},
                raw_body=read_body(event) if route.method != "GET" else b"",
            )
            status, body = route.handler(exchange)
        except Exception as error:
            trail.close(error)
            raise
        trail.close(None)
        return self.no_content() if status == 204 else self.answer(status, body)
