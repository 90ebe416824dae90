"""The one record every benchmark module returns, and the statistics they share."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from typing import Any


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
