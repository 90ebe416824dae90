"""The retry schedule of a failed registration: what the deployed defaults guarantee, and that the
documentation (docs/post-user-registration.md) and the template parameters say the same numbers the
code computes."""

from __future__ import annotations

import re

from dahooks.registration import settings
from dahooks.registration.schedule import MAX_VISIBILITY_SECONDS, RetrySchedule
from local.paths import ROOT
from local.template import Template

HOUR = 3600


def deployed_schedule() -> RetrySchedule:
    """The schedule template.yaml's defaults give the worker."""
    environment = Template().functions()["RegistrationWorkerFunction"].environment
    return RetrySchedule(
        base=float(environment[settings.RETRY_BASE]),
        cap=float(environment[settings.RETRY_MAX]),
        max_receive_count=int(environment[settings.MAX_RECEIVE_COUNT]),
    )


def test_the_template_feeds_the_worker_the_layers_defaults_and_the_queue_the_same_receive_count():
    template = Template()
    redrive = template.resolve(template.resources["RegistrationQueue"]["Properties"])["RedrivePolicy"]

    assert deployed_schedule() == RetrySchedule(
        settings.DEFAULT_RETRY_BASE, settings.DEFAULT_RETRY_MAX, settings.DEFAULT_MAX_RECEIVE_COUNT
    )
    assert int(redrive["maxReceiveCount"]) == deployed_schedule().max_receive_count


def test_a_receiver_outage_of_an_hour_and_more_cannot_send_a_registration_to_the_dead_letter_queue():
    schedule = deployed_schedule()

    # Whatever the jitter draws, the last attempt comes this long after the first.
    assert schedule.minimum_until_last_attempt() == 18090  # 5 h 1 min 30 s
    assert schedule.minimum_until_last_attempt() > 5 * HOUR
    assert schedule.minimum_until_dead_letter() == 19890  # 5 h 31 min 30 s
    # And the longest it can take still fits the queue's retention, with every attempt at the worker's Timeout.
    assert schedule.maximum_until_dead_letter() == 39780  # 11 h 3 min
    assert schedule.maximum_until_dead_letter() + 16 * 60 < settings.DEFAULT_RETENTION_SECONDS


def test_each_wait_is_between_half_and_all_of_a_doubling_ceiling():
    schedule = RetrySchedule(base=60, cap=HOUR, max_receive_count=16)

    for attempt in range(1, 20):
        ceiling = min(HOUR, 60 * 2 ** (attempt - 1))
        assert schedule.delay(attempt, 0.0) == ceiling / 2
        assert schedule.delay(attempt, 1.0) == ceiling
        assert ceiling / 2 <= schedule.delay(attempt) <= ceiling
    assert RetrySchedule(base=0, cap=HOUR, max_receive_count=3).delay(5) == 0


def test_no_wait_exceeds_what_sqs_accepts():
    schedule = RetrySchedule(base=3600, cap=10**9, max_receive_count=30)

    assert schedule.delay(30, 1.0) == MAX_VISIBILITY_SECONDS


def test_the_jitter_comes_from_the_schedules_draw():
    schedule = RetrySchedule(base=60, cap=HOUR, max_receive_count=16, draw=lambda: 0.5)

    assert schedule.delay(3) == 180  # 120 + 0.5 * 120


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, HOUR)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "", f"{seconds} s" if seconds else ""]
    return " ".join(part for part in parts if part) or "0 s"


def test_the_documentation_shows_the_schedule_the_code_computes():
    document = (ROOT / "docs" / "post-user-registration.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+?) to (.+?) \| (.+?) \|$", document, flags=re.MULTILINE)

    expected = [
        (
            str(step.attempt),
            _duration(step.shortest_wait),
            _duration(step.longest_wait),
            _duration(step.shortest_elapsed),
        )
        for step in deployed_schedule().steps()
    ]
    assert rows == expected


def test_the_receive_count_parameter_states_the_guaranteed_minimum():
    parameter = Template().document["Parameters"]["RegistrationMaxReceiveCount"]
    description = " ".join(parameter["Description"].split())

    assert "at least 5 h 1 min after the first" in description
    assert "at least 5 h 31 min" in description
