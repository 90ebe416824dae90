"""When a failed registration is tried again, and when it is given up to the dead-letter queue.

After its n-th failed attempt a registration waits a back-off whose ceiling doubles from `base` up
to `cap` (base * 2^(n-1)), with "equal jitter": half of the ceiling fixed, half random, so that
registrations that failed together (the receiver was down) do not all come back in the same
second. SQS counts the receives; after `max_receive_count` of them the message moves to the
dead-letter queue.

Because half of every wait is fixed, the schedule has a guaranteed minimum: the last attempt comes
no sooner than `minimum_until_last_attempt()` after the first, so a receiver outage shorter than
that loses nothing to the dead-letter queue, whatever the jitter drew. Its maximum, every wait at
its ceiling, must fit the queue's retention, or SQS would delete a message still being retried.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

from .. import config
from . import settings

# ChangeMessageVisibility takes whole seconds, at most 12 hours.
MAX_VISIBILITY_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Step:
    """One row of the schedule: the wait after `attempt` failed, and the least time spent so far."""

    attempt: int
    shortest_wait: int
    longest_wait: int
    shortest_elapsed: int  # since the first attempt, once this wait is over


@dataclass(frozen=True)
class RetrySchedule:
    base: float
    cap: float
    max_receive_count: int
    # Where the jitter comes from, a number in [0, 1).
    draw: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    @classmethod
    def from_environment(cls) -> RetrySchedule:
        return cls(
            base=config.env_float(settings.RETRY_BASE, settings.DEFAULT_RETRY_BASE),
            cap=config.env_float(settings.RETRY_MAX, settings.DEFAULT_RETRY_MAX),
            max_receive_count=int(config.env_float(settings.MAX_RECEIVE_COUNT, settings.DEFAULT_MAX_RECEIVE_COUNT)),
        )

    def ceiling(self, attempt: int) -> float:
        """The longest wait after the `attempt`-th failed attempt (1 for the first)."""
        doubled = self.base * math.pow(2, max(0, attempt - 1)) if self.base else 0.0
        return min(self.cap, doubled, MAX_VISIBILITY_SECONDS)

    def delay(self, attempt: int, jitter: float | None = None) -> int:
        """Whole seconds to wait after the `attempt`-th failure; `jitter` in [0, 1] (random when None)."""
        drawn = self.draw() if jitter is None else jitter
        ceiling = self.ceiling(attempt)
        return min(math.ceil(ceiling / 2 + drawn * ceiling / 2), MAX_VISIBILITY_SECONDS)

    def steps(self) -> list[Step]:
        """Every wait a registration can go through before it reaches the dead-letter queue."""
        rows, elapsed = [], 0
        for attempt in range(1, self.max_receive_count + 1):
            shortest, longest = self.delay(attempt, 0.0), self.delay(attempt, 1.0)
            elapsed += shortest
            rows.append(Step(attempt, shortest, longest, elapsed))
        return rows

    def minimum_until_last_attempt(self) -> int:
        """The least time from the first attempt to the last: an outage shorter than this loses nothing."""
        return sum(step.shortest_wait for step in self.steps()[:-1])

    def minimum_until_dead_letter(self) -> int:
        """The least time from the first attempt until the message can move to the dead-letter queue."""
        return sum(step.shortest_wait for step in self.steps())

    def maximum_until_dead_letter(self) -> int:
        """The most time the waits can add up to: what the queue's retention must cover."""
        return sum(step.longest_wait for step in self.steps())
