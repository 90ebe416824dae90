"""Custom data, the shared cache and the hooks' last failures on DynamoDB: what `ctx.read`/`write`/`update`/`cache` use.

Importing this package does not import boto3; the client is built on first use.
"""

from __future__ import annotations

import threading
from typing import Any

from .. import config
from .cache import Cache
from .codec import MAX_DATA_BYTES
from .custom_data import CustomData, CustomDataStore, Updater
from .dynamodb import best_effort_config, build_client
from .hook_errors import HookErrors, HookFailure


class Storage:
    """One container's view of the table: custom data (with its in-memory copy), the cache, the hooks' failures."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self._client = client
        self._best_effort_client = client  # a client given (a test's) serves both
        self._lock = threading.Lock()
        self.custom_data = CustomDataStore(self.client, table_name)
        self.cache = Cache(self.client, table_name)
        self.hook_errors = HookErrors(self.client, table_name, record_client=self.best_effort_client)

    def client(self) -> Any:
        """The DynamoDB client, built on first use."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = build_client()
        return self._client

    def best_effort_client(self) -> Any:
        """The client for writes that must not delay an answer (one attempt, short timeouts), built on first use."""
        if self._best_effort_client is None:
            with self._lock:
                if self._best_effort_client is None:
                    self._best_effort_client = build_client(config=best_effort_config())
        return self._best_effort_client

    def read(self) -> dict[str, Any]:
        """The custom data (a copy the caller may change), `{}` before the first write."""
        return self.custom_data.snapshot().data

    def snapshot(self) -> CustomData:
        """The custom data with its version, size and the read's cost in capacity units."""
        return self.custom_data.snapshot()

    def write(self, data: dict[str, Any], expected_version: int | None = None, actor: str = "hook") -> int:
        """Replace the custom data; returns the new version (see `CustomDataStore.write`)."""
        return self.custom_data.write(data, expected_version=expected_version, actor=actor)

    def update(self, fn: Updater, actor: str = "hook") -> dict[str, Any]:
        """Read-modify-write that retries on conflict (see `CustomDataStore.update`)."""
        return self.custom_data.update(fn, actor=actor)

    def history(self, limit: int = 50) -> list[dict[str, Any]]:
        """Who wrote which version, when: the last `limit` writes, newest first."""
        return self.custom_data.history(limit)


def from_environment() -> Storage:
    """The Storage for the table template.yaml passes in TABLE_NAME."""
    table_name = config.env_str(config.TABLE_NAME)
    if not table_name:
        raise RuntimeError(f"{config.TABLE_NAME} is not set: custom data and the cache need the table's name")
    return Storage(table_name)


__all__ = ["MAX_DATA_BYTES", "Cache", "CustomData", "HookErrors", "HookFailure", "Storage", "from_environment"]
