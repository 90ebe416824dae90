"""`run_with_deadline` tells the main thread by trying to set the alarm's handler: there it borrows
SIGALRM and gives it back as it found it; on any other thread it sets neither a handler nor a timer,
and the hook runs on a thread of its own that is abandoned when its time is up."""

from __future__ import annotations

import signal
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from dahooks.deadline import DeadlineExceeded, run_with_deadline

if TYPE_CHECKING:
    from collections.abc import Iterator


def _noted(signum: int, frame: object) -> None:
    """An alarm handler of the embedding program's own."""


@pytest.fixture
def alarms() -> Iterator[list[int]]:
    """The alarms the main thread saw while the test ran, through a handler of its own; put back after."""
    assert threading.current_thread() is threading.main_thread()  # else the test would prove nothing
    seen: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: seen.append(signum))
    try:
        yield seen
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("handler", [signal.SIG_DFL, signal.SIG_IGN, _noted], ids=["default", "ignored", "own"])
def test_on_the_main_thread_the_alarm_handler_is_given_back(alarms: list[int], handler: Any) -> None:
    signal.signal(signal.SIGALRM, handler)

    assert run_with_deadline(lambda: "answered", 5.0) == "answered"
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # the alarm disarmed with the answer
    with pytest.raises(DeadlineExceeded):
        run_with_deadline(lambda: time.sleep(5), 0.05)
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_off_the_main_thread_no_alarm_is_set_and_the_deadline_holds(alarms: list[int]) -> None:
    before = signal.getsignal(signal.SIGALRM)
    during: dict[str, Any] = {}
    release = threading.Event()
    outcome: list[BaseException | str] = []

    def hook() -> str:
        during["handler"] = signal.getsignal(signal.SIGALRM)
        during["timer"] = signal.getitimer(signal.ITIMER_REAL)
        during["thread"] = threading.current_thread().name
        release.wait(5)  # past its deadline
        return "too late"

    def caller() -> None:
        started = time.monotonic()
        try:
            outcome.append(run_with_deadline(hook, 0.2))
        except BaseException as error:  # noqa: BLE001 - DeadlineExceeded is a BaseException
            outcome.append(error)
        during["elapsed"] = time.monotonic() - started

    worker = threading.Thread(target=caller, name="caller")
    worker.start()
    worker.join(5)
    release.set()

    assert isinstance(outcome[0], DeadlineExceeded)
    assert 0.15 < during["elapsed"] < 2.0
    assert during["handler"] is before  # nothing installed
    assert during["timer"] == (0.0, 0.0)  # no alarm armed, for the main thread to take
    assert during["thread"] == "hook"  # a thread of its own, abandoned when its time was up
    assert signal.getsignal(signal.SIGALRM) is before
    assert alarms == []


def test_off_the_main_thread_an_answer_and_an_error_come_back() -> None:
    outcome: list[object] = []

    def fails() -> None:
        raise ValueError("from the hook")

    def caller() -> None:
        outcome.append(run_with_deadline(lambda: "answered", 5.0))
        with pytest.raises(ValueError, match="from the hook"):
            run_with_deadline(fails, 5.0)
        outcome.append("raised")

    worker = threading.Thread(target=caller)
    worker.start()
    worker.join(5)

    assert outcome == ["answered", "raised"]
