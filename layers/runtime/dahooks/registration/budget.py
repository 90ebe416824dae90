"""The worker's time: what a batch may take, when a record may start, and how fast records go out.

Each record gets one attempt of `attempt_seconds` at most (the hook's deadline is what is left of
it once its outcome can still be written). A record starts only when a whole attempt still fits
in the invocation; one that does not is given back to the queue untouched, visible again at once,
rather than started with too little time and failed. The template feeds the same parameters to
the event source's `BatchSize`, the function's `Timeout` and these variables, and the worker
refuses at start a configuration in which a full batch would not fit:

    interval + batch_size * attempt_seconds + margin <= timeout    (and interval <= attempt_seconds)

so that, barring a slow dependency, every record of a batch is started.

Records also leave at a bounded rate: one worker starts a record at most every `interval` seconds,
in the same container across invocations, so `concurrency` workers deliver at most
`concurrency / interval` registrations a second, whatever the backlog (a Slack webhook takes
about one a second).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import config
from ..deadline import margin_seconds
from . import settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.typing import LambdaContext

    from .schedule import RetrySchedule

# Kept back from each attempt for writing its outcome (the idempotency record) once the hook is done.
SETTLE_SECONDS = 1.0


class WorkerConfigurationError(RuntimeError):
    """The worker's settings cannot keep their promise; the message says which and why."""


@dataclass(frozen=True)
class WorkerLimits:
    batch_size: int
    attempt_seconds: float
    interval: float
    timeout: float
    margin: float

    @classmethod
    def from_environment(cls) -> WorkerLimits:
        return cls(
            batch_size=int(config.env_float(settings.BATCH_SIZE, settings.DEFAULT_BATCH_SIZE)),
            attempt_seconds=config.env_float(settings.ATTEMPT_SECONDS, settings.DEFAULT_ATTEMPT_SECONDS),
            interval=config.env_float(settings.DELIVERY_INTERVAL, settings.DEFAULT_DELIVERY_INTERVAL),
            timeout=config.env_float(settings.WORKER_TIMEOUT, settings.DEFAULT_WORKER_TIMEOUT),
            margin=margin_seconds(),
        )

    def batch_seconds(self) -> float:
        """The longest a full batch takes: a first wait for its slot, then every record's attempt."""
        return self.interval + self.batch_size * self.attempt_seconds + self.margin

    def check(self, schedule: RetrySchedule, retention_seconds: int) -> None:
        """Raise `WorkerConfigurationError` unless a batch fits the timeout and the retries fit the retention."""
        if self.attempt_seconds <= SETTLE_SECONDS:
            raise WorkerConfigurationError(
                f"{settings.ATTEMPT_SECONDS}={self.attempt_seconds:g} leaves the hook no time "
                f"(each attempt keeps {SETTLE_SECONDS:g} s to record its outcome)"
            )
        if self.interval > self.attempt_seconds:
            raise WorkerConfigurationError(
                f"{settings.DELIVERY_INTERVAL}={self.interval:g} is longer than "
                f"{settings.ATTEMPT_SECONDS}={self.attempt_seconds:g}"
            )
        if self.batch_seconds() > self.timeout:
            raise WorkerConfigurationError(
                f"a batch of {self.batch_size} records of {self.attempt_seconds:g} s each, after a "
                f"{self.interval:g} s delivery interval and the {self.margin:g} s margin, needs "
                f"{self.batch_seconds():g} s: more than the function's {self.timeout:g} s Timeout"
            )
        # Every wait at its longest plus every attempt at its longest: SQS must still hold the message.
        span = schedule.maximum_until_dead_letter() + schedule.max_receive_count * self.timeout
        if span > retention_seconds:
            raise WorkerConfigurationError(
                f"the retries of a registration can span {span} s, more than the queue's "
                f"{retention_seconds} s retention: SQS would delete a registration still being retried"
            )


class DeliverySlots:
    """When the next record may start on this worker: at most one every `interval` seconds.

    One instance lives as long as the container, so the pace holds across invocations too.
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._lock = threading.Lock()
        self._last_start: float | None = None

    def reserve(self, attempt_seconds: float, available_seconds: float) -> float | None:
        """Book the next start for an attempt of `attempt_seconds`; returns the wait until it, or None
        when the wait and the attempt together exceed `available_seconds` (nothing is booked then)."""
        with self._lock:
            now = self.clock()
            start = now if self._last_start is None else max(now, self._last_start + self.interval)
            if start - now + attempt_seconds > available_seconds:
                return None
            self._last_start = start
            return start - now

    def started(self) -> float:
        """Note that the booked record starts now, and return now. A start later than its booking (a
        sleep that overslept on a busy machine) moves the booking, so the next one still comes a whole
        interval after the real start, never sooner."""
        with self._lock:
            now = self.clock()
            self._last_start = now if self._last_start is None else max(self._last_start, now)
            return now


@dataclass
class Attempt:
    """One record's attempt: admitted at `started` (on `clock`), it must be over by `ends`."""

    started: float
    ends: float
    clock: Callable[[], float] = time.monotonic

    def hook_seconds(self, remaining_seconds: float) -> float:
        """The hook's deadline: the attempt's time less what writing its outcome needs."""
        return min(self.ends - SETTLE_SECONDS - self.clock(), remaining_seconds)


def admit(
    limits: WorkerLimits, slots: DeliverySlots, context: LambdaContext, sleep: Callable[[float], None] = time.sleep
) -> Attempt | None:
    """Wait for the record's delivery slot and start its attempt, or None when a whole attempt does not fit.

    A record not admitted is handed back untouched: no attempt was made, nothing is counted as one.
    """
    available = context.get_remaining_time_in_millis() / 1000 - limits.margin
    wait = slots.reserve(limits.attempt_seconds, available)
    if wait is None:
        return None
    if wait:
        sleep(wait)
    started = slots.started()
    return Attempt(started=started, ends=started + limits.attempt_seconds, clock=slots.clock)
