"""The worker's time: a whole batch fits the function's Timeout by construction, a record starts
only when a whole attempt fits, and records leave at a bounded rate.

The template is rendered as SAM reads it (local/template.py); the worker is built as Lambda's init
would build it, with no network.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from dahooks.registration import settings
from dahooks.registration.budget import SETTLE_SECONDS, DeliverySlots, WorkerConfigurationError, WorkerLimits, admit
from dahooks.registration.schedule import RetrySchedule
from dahooks.registration.worker import RegistrationWorker
from local.template import Template

WORKER = "RegistrationWorkerFunction"
LIMITS = WorkerLimits(batch_size=5, attempt_seconds=10, interval=2, timeout=60, margin=0.5)
SCHEDULE = RetrySchedule(base=60, cap=3600, max_receive_count=16)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class FakeContext:
    remaining_s: float

    def get_remaining_time_in_millis(self) -> int:
        return int(self.remaining_s * 1000)


def test_the_rendered_template_fits_a_whole_batch_in_the_workers_timeout():
    template = Template()
    worker = template.functions()[WORKER]
    (mapping,) = [m for m in template.sqs_mappings() if m.function == WORKER]
    attempt = float(worker.environment[settings.ATTEMPT_SECONDS])
    interval = float(worker.environment[settings.DELIVERY_INTERVAL])
    margin = float(worker.environment["HOOK_DEADLINE_MARGIN_MS"]) / 1000

    assert interval + mapping.batch_size * attempt + margin <= worker.timeout  # 2 + 5 x 10 + 0.5 <= 60
    # The worker checks the same numbers: the ones the event source and the function are given.
    assert int(worker.environment[settings.BATCH_SIZE]) == mapping.batch_size
    assert float(worker.environment[settings.WORKER_TIMEOUT]) == worker.timeout
    # Lambda's SQS event source wants the queue's visibility timeout at six times the function's.
    queue = template.resolve(template.resources["RegistrationQueue"]["Properties"])
    assert int(queue["VisibilityTimeout"]) >= 6 * worker.timeout


def test_the_layer_defaults_are_the_template_defaults():
    environment = Template().functions()[WORKER].environment

    assert WorkerLimits(
        batch_size=int(environment[settings.BATCH_SIZE]),
        attempt_seconds=float(environment[settings.ATTEMPT_SECONDS]),
        interval=float(environment[settings.DELIVERY_INTERVAL]),
        timeout=float(environment[settings.WORKER_TIMEOUT]),
        margin=0.5,
    ) == replace(
        LIMITS,
        batch_size=settings.DEFAULT_BATCH_SIZE,
        attempt_seconds=settings.DEFAULT_ATTEMPT_SECONDS,
        interval=settings.DEFAULT_DELIVERY_INTERVAL,
        timeout=settings.DEFAULT_WORKER_TIMEOUT,
    )


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"batch_size": 6}, "more than the function's 60 s Timeout"),  # 2 + 6 x 10 + 0.5 = 62.5
        ({"attempt_seconds": 12}, "more than the function's 60 s Timeout"),
        ({"interval": 11}, "is longer than"),
        ({"attempt_seconds": SETTLE_SECONDS}, "leaves the hook no time"),
    ],
)
def test_a_configuration_that_cannot_keep_its_promise_is_refused(change, complaint):
    with pytest.raises(WorkerConfigurationError, match=complaint):
        replace(LIMITS, **change).check(SCHEDULE, settings.DEFAULT_RETENTION_SECONDS)


def test_retries_that_would_outlast_the_queues_retention_are_refused():
    LIMITS.check(SCHEDULE, settings.DEFAULT_RETENTION_SECONDS)

    with pytest.raises(WorkerConfigurationError, match="retention"):
        LIMITS.check(SCHEDULE, 11 * 3600)  # 11 h 3 min of waits and 16 attempts of 60 s do not fit in 11 h


def test_the_worker_refuses_to_start_when_a_batch_does_not_fit(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.BATCH_SIZE, "10")  # 2 + 10 x 10 + 0.5 > 60

    with pytest.raises(WorkerConfigurationError, match="a batch of 10 records"):
        RegistrationWorker(Path(tmp_path / "hook.py"))


def test_records_start_one_interval_apart_across_invocations():
    clock = FakeClock()
    slots = DeliverySlots(interval=2, clock=clock)

    waits = []
    for _ in range(3):
        attempt = admit(LIMITS, slots, FakeContext(remaining_s=60), sleep=clock.sleep)
        assert attempt is not None
        waits.append(attempt.started)
    clock.now += 0.5  # the next invocation of the same container, half a second later
    later = admit(LIMITS, slots, FakeContext(remaining_s=60), sleep=clock.sleep)

    assert later is not None
    assert [clock_time - waits[0] for clock_time in [*waits, later.started]] == [0, 2, 4, 6]


def test_a_start_later_than_its_slot_pushes_the_next_slot_a_whole_interval_after_it():
    clock = FakeClock()
    slots = DeliverySlots(interval=2, clock=clock)

    def oversleep(seconds: float) -> None:  # a busy machine wakes the worker 1.5 s late
        clock.sleep(seconds + 1.5)

    first = admit(LIMITS, slots, FakeContext(remaining_s=60), sleep=oversleep)
    second = admit(LIMITS, slots, FakeContext(remaining_s=60), sleep=oversleep)
    third = admit(LIMITS, slots, FakeContext(remaining_s=60), sleep=clock.sleep)

    assert first is not None
    assert second is not None
    assert third is not None
    assert second.started - first.started == 3.5  # booked 2 s after the first, woken 1.5 s late
    assert third.started - second.started == 2  # a whole interval after the real start, not 0.5 s


def test_a_record_is_not_started_when_its_wait_and_a_whole_attempt_do_not_fit():
    clock = FakeClock()
    slots = DeliverySlots(interval=2, clock=clock)
    admit(LIMITS, slots, FakeContext(remaining_s=60), sleep=clock.sleep)

    # 2 s to wait + 10 s of attempt = 12 s; 12.4 s left less the 0.5 s margin is not enough.
    refused = admit(LIMITS, slots, FakeContext(remaining_s=12.4), sleep=clock.sleep)
    admitted = admit(LIMITS, slots, FakeContext(remaining_s=12.5), sleep=clock.sleep)

    assert refused is None
    assert admitted is not None
    assert admitted.started == 1002.0  # the refused record booked nothing
