"""The `ctx` a hook receives: its input, the caller, logging, and per-container state.

Storage helpers (`read`, `write`, `update`, `cache`) come from a `Storage` object the function
builds lazily, so a hook that never touches DynamoDB never imports boto3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .logs import format_log_args, info_from_caller, logger

if TYPE_CHECKING:
    from collections.abc import Callable

    import requests

    from .storage import Storage
    from .storage.cache import Cache
    from .storage.hook_errors import HookFailure


@dataclass(frozen=True)
class Request:
    """`ctx.request`: the dashboard user the caller acts for, and on update the user as it was.

    The handler passes the fields by position: keep their order."""

    user: dict[str, Any]
    original_user: dict[str, Any] | None = None


@dataclass
class Container:
    """What lives as long as the warm container: `ctx.globals`, the HTTP session, storage clients."""

    globals: dict[str, Any] = field(default_factory=dict)
    _http: requests.Session | None = None
    _storage: Storage | None = None
    storage_factory: Callable[[], Storage] | None = None

    @property
    def http(self) -> requests.Session:
        if self._http is None:
            from .http import timeout_session

            self._http = timeout_session()
        return self._http

    @property
    def storage(self) -> Storage:
        if self._storage is None:
            if self.storage_factory is None:
                raise RuntimeError("custom data and the cache are not configured for this function")
            self._storage = self.storage_factory()
        return self._storage

    def record_failure(self, failure: HookFailure) -> None:
        """Keep a hook's failure for the configuration page, where this container has storage; never raises."""
        if self._storage is None and self.storage_factory is None:
            return
        try:
            self.storage.hook_errors.record(failure)
        except Exception as error:  # the storage could not even be built: the answer stands
            logger.warning("the hook's failure could not be recorded", extra={"error": type(error).__name__})


@dataclass
class Context:
    """What `hook(ctx, ...)` sees. Names follow the original's, in Python's spelling.

    The handler passes the fields by position (cheaper on every warm call): keep their order."""

    hook_name: str
    payload: dict[str, Any]
    request: Request
    container: Container
    method: str | None = None
    user_fields: list[Any] = field(default_factory=list)
    locale: str | None = None
    request_id: str = ""
    caller: str = ""  # the token's subject: who called the API, as opposed to whom they act for

    @property
    def globals(self) -> dict[str, Any]:
        """A dict that survives between invocations of this warm container (the original's `ctx.global`)."""
        return self.container.globals

    @property
    def http(self) -> requests.Session:
        """A requests.Session with default timeouts, shared across invocations."""
        return self.container.http

    def log(self, *args: Any) -> None:
        """Log every argument (objects as JSON, secrets redacted) as one structured record."""
        # Located at the hook's line, not this method's. The hook's name tells apart the records of
        # the users API, which runs every hook in one function.
        info_from_caller(format_log_args(args), {"source": "hook", "hook": self.hook_name})

    # Custom data and the cache live in the storage layer (dahooks.storage), built on first use.
    def read(self) -> dict[str, Any]:
        """The custom data, as stored (an empty dict before the first write)."""
        return self.container.storage.read()

    def write(self, data: dict[str, Any], expected_version: int | None = None) -> int:
        """Replace the custom data; returns the new version. See `Storage.write`."""
        return self.container.storage.write(data, expected_version=expected_version, actor=self._actor())

    def update(self, fn: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any]:
        """Read-modify-write that retries on conflict, so no concurrent update is lost."""
        return self.container.storage.update(fn, actor=self._actor())

    @property
    def cache(self) -> Cache:
        """The cache shared by every container, in DynamoDB with a TTL."""
        return self.container.storage.cache

    def _actor(self) -> str:
        return self.caller or str(self.request.user.get("user_id") or "hook")
