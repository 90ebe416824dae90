"""A hook run that changes nothing: the configuration page's runner.

The hook runs in process with the ctx it would get, but over a storage that reads the real custom
data and cache and keeps every write in memory: `ctx.write` and `ctx.update` answer as they would
(the size limit and the expected version are checked) and `ctx.cache.set` is seen by the same run's
`get`, yet nothing reaches the table, and a failure is not kept among the hook's last failures.
`ctx.globals` is a dict of the run's own, so the warm container's state is neither read nor changed.
What the hook logs with `ctx.log` is captured (redacted, as log lines are) to be shown with its answer.

What the runner cannot stop: a hook's own network calls (`ctx.http`, `requests`) are made as usual.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ..context import Container, Context
from ..exceptions import VersionConflictError
from ..logs import format_log_args, logger
from ..redaction import redact_text
from ..storage import Storage, codec
from ..storage.cache import Cache
from ..storage.custom_data import CustomData, Head
from ..storage.hook_errors import HookErrors, HookFailure

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..storage.custom_data import Updater

T = TypeVar("T")
_DELETED = object()


class DryRunCache(Cache):
    """The shared cache as a run sees it: the real items, under the run's own writes and deletions."""

    def __init__(self, real: Cache) -> None:
        self._real = real
        self._written: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._written:
            value = self._written[key]
            return default if value is _DELETED else copy.deepcopy(value)
        return self._real.get(key, default)

    def set(self, key: str, value: Any, ttl_seconds: float) -> None:
        codec.compact_json(value)  # what the real cache would refuse, refused here too
        self._written[key] = copy.deepcopy(value)

    def get_or_set(self, key: str, loader: Callable[[], T], ttl_seconds: float) -> T:
        found = self.get(key, _DELETED)
        if found is not _DELETED:
            return found  # type: ignore[no-any-return]
        value = loader()
        self.set(key, value, ttl_seconds)
        return value

    def delete(self, key: str) -> None:
        self._written[key] = _DELETED


class _NoRecord(HookErrors):
    """A dry run's failure is the runner's answer, not one of the hook's last failures."""

    def __init__(self) -> None:
        pass

    def record(self, failure: HookFailure) -> bool:
        return False


class DryRunStorage(Storage):
    """The real storage for reading; every write kept in memory for the run (see the module's docstring)."""

    def __init__(self, real: Storage) -> None:
        # Not Storage.__init__: nothing of this object may reach the table but the real one's reads.
        self.table_name = real.table_name
        self._real = real
        self._written: CustomData | None = None
        self.cache = DryRunCache(real.cache)
        self.hook_errors = _NoRecord()

    def read(self) -> dict[str, Any]:
        return self.snapshot().data

    def snapshot(self) -> CustomData:
        if self._written is not None:
            return CustomData(copy.deepcopy(self._written.data), self._written.version, self._written.size, 0.0, Head())
        return self._real.snapshot()

    def write(self, data: dict[str, Any], expected_version: int | None = None, actor: str = "hook") -> int:
        encoded = codec.encode(data)  # over the limit: the same CustomDataTooLarge as a real write
        current = self.snapshot().version
        if expected_version is not None and expected_version != current:
            raise VersionConflictError(f"the custom data is at version {current}, not {expected_version}")
        self._written = CustomData(copy.deepcopy(data), current + 1, encoded.size, 0.0, Head())
        return current + 1

    def update(self, fn: Updater, actor: str = "hook") -> dict[str, Any]:
        current = self.snapshot().data
        result = fn(current)
        new = current if result is None else result
        self.write(new, actor=actor)
        return new

    def history(self, limit: int = 50) -> list[dict[str, Any]]:
        return self._real.history(limit)


@dataclass
class CapturingContext(Context):
    """The ctx of a dry run: `ctx.log` is logged as usual and also kept, redacted, for the runner's answer."""

    lines: list[str] = field(default_factory=list)

    def log(self, *args: Any) -> None:
        text = format_log_args(args)
        logger.info(text, extra={"source": "hook", "hook": self.hook_name, "dry_run": True}, stacklevel=2)
        self.lines.append(redact_text(text))


def dry_run_container(real: Storage) -> Container:
    """A container of the run's own: fresh globals, and a storage that keeps its writes in memory."""
    return Container(storage_factory=lambda: DryRunStorage(real))
