"""The one record every benchmark module returns, and the statistics they share."""

from __future__ import annotations

import logging
import os
import statistics
from contextlib import contextmanager, redirect_stdout
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator


@dataclass(frozen=True)
class Figure:
    """One measured figure beside its baseline from the same run.

    `target` says in words what we promise (e.g. "overhead <= 150 us p50"); `met` is whether this
    run met it, or None when the figure has no target.
    """

    group: str
    name: str
    value: str
    baseline: str = ""
    target: str = ""
    met: bool | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(samples: list[float], fraction: float) -> float:
    """The `fraction` percentile (0.5 for p50) of `samples`, by nearest rank."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@contextmanager
def logs_to_devnull() -> Iterator[None]:
    """Send the runtime's log records and metrics to /dev/null: a bench table, not thousands of JSON lines.

    The records are still built, redacted and serialised (what the function pays in Lambda); only
    the terminal is spared. Powertools' handler keeps the stream it was given, so it is swapped
    there, and put back afterwards for the other bench modules; the metrics go to stdout.
    """
    from dahooks.logs import logger

    handlers = [handler for handler in logger.handlers if isinstance(handler, logging.StreamHandler)]
    with open(os.devnull, "w") as devnull, redirect_stdout(devnull):
        previous = [handler.setStream(devnull) for handler in handlers]
        try:
            yield
        finally:
            for handler, stream in zip(handlers, previous, strict=True):
                handler.setStream(stream)
