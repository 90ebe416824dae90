"""A request's audit: a change recorded before and after it, refusals always, other failures of changes."""

from __future__ import annotations

from typing import Any

import pytest

from dahooks.exceptions import (
    ForbiddenError,
    HookError,
    NotFoundError,
    NotSupportedError,
    ServiceUnavailableError,
)
from dahooks.users_api.audit import AuditEvent
from dahooks.users_api.audit_trail import AuditTrail

EVENT = AuditEvent(who="kelly", action="block:user", target="finance-01", request_id="r-1", time="t")


class Log:
    """Records what the trail asks of the audit log; `begin` fails when told to."""

    def __init__(self, begin_fails: bool = False) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.begin_fails = begin_fails

    def begin(self, event: AuditEvent) -> None:
        if self.begin_fails:
            raise ServiceUnavailableError("the custom data store is unavailable; try again later")
        self.calls.append(("begin", event.target, None))

    def finish(self, event: AuditEvent, outcome: Any) -> None:
        self.calls.append(("finish", event.target, (outcome.outcome, outcome.status, outcome.error)))

    def record(self, event: AuditEvent, outcome: Any) -> None:
        self.calls.append(("record", event.target, (outcome.outcome, outcome.status, outcome.error)))


def test_a_change_is_recorded_as_started_then_with_its_outcome():
    log = Log()
    trail = AuditTrail(log, EVENT, changes=True)

    assert trail.change(lambda: "done", status=204) == "done"
    trail.close(None)

    assert log.calls == [("begin", "finance-01", None), ("finish", "finance-01", ("succeeded", 204, ""))]


def test_a_change_the_directory_cannot_make_is_recorded_as_failed_with_its_error():
    log = Log()
    trail = AuditTrail(log, EVENT, changes=True)

    def perform() -> None:
        raise NotSupportedError("Cognito never changes a username.")

    with pytest.raises(NotSupportedError):
        trail.change(perform)
    trail.close(NotSupportedError("x"))

    assert log.calls[-1] == ("finish", "finance-01", ("failed", 400, "NotSupported"))
    assert len(log.calls) == 2  # close() adds nothing once the change was recorded


def test_when_the_start_cannot_be_recorded_the_change_is_not_made():
    performed = []
    trail = AuditTrail(Log(begin_fails=True), EVENT, changes=True)

    with pytest.raises(ServiceUnavailableError):
        trail.change(lambda: performed.append(1))

    assert performed == []


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (HookError("You can only access users within your own department."), ("refused", 400, "HookError")),
        (ForbiddenError("Cannot perform action. Missing permission read:logs."), ("refused", 403, "Forbidden")),
    ],
)
def test_a_refusal_is_recorded_even_on_a_reading_route(error, outcome):
    log = Log()

    AuditTrail(log, EVENT, changes=False).close(error)

    assert log.calls == [("record", "finance-01", outcome)]


def test_a_read_that_succeeds_or_fails_without_refusal_is_not_recorded():
    log = Log()

    AuditTrail(log, EVENT, changes=False).close(None)
    AuditTrail(log, EVENT, changes=False).close(NotFoundError("The user does not exist."))

    assert log.calls == []


def test_a_changing_route_that_fails_before_its_change_is_recorded():
    log = Log()

    AuditTrail(log, EVENT, changes=True).close(NotFoundError("The user does not exist."))
    AuditTrail(log, EVENT, changes=True).close(RuntimeError("a bug"))

    assert log.calls == [
        ("record", "finance-01", ("failed", 404, "NotFound")),
        ("record", "finance-01", ("failed", 500, "InternalError")),
    ]


def test_the_target_of_a_create_is_named_once_known():
    log = Log()
    trail = AuditTrail(log, EVENT, changes=True)

    trail.retarget("new@example.com")
    trail.change(lambda: None, status=201)

    assert {target for _, target, _ in log.calls} == {"new@example.com"}
