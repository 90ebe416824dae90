"""One request's audit: the change it makes is recorded around it, a refusal or failure after it.

A route that changes something wraps the directory call in `change`, which records the event as
started before the call (nothing is changed if that record cannot be written) and its outcome
after. Whatever the request ends with is then settled by `close`: a refusal (403, or a hook's
refusal) is always recorded, even on a reading route; a failed changing route is recorded even when
it failed before its change began (a 404, an invalid body, a directory that cannot do it).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, TypeVar

from ..exceptions import DahooksError, ForbiddenError, HookError, UnauthorizedError
from .audit import FAILED, REFUSED, SUCCEEDED, Outcome

if TYPE_CHECKING:
    from collections.abc import Callable

    from .audit import AuditEvent, AuditLog

T = TypeVar("T")
REFUSALS = (ForbiddenError, HookError, UnauthorizedError)


def outcome_of(error: BaseException | None, status: int = 200) -> Outcome:
    """How a request that ended with `error` (None: it succeeded with `status`) is recorded."""
    if error is None:
        return Outcome(SUCCEEDED, status)
    if isinstance(error, DahooksError):
        return Outcome(REFUSED if isinstance(error, REFUSALS) else FAILED, error.status, error.code, str(error))
    return Outcome(FAILED, 500, "InternalError", "the request failed; see the logs for details")


class AuditTrail:
    """The audit of one request: `event` says who, what and whom; `changes` whether the route changes anything."""

    def __init__(self, log: AuditLog, event: AuditEvent, *, changes: bool) -> None:
        self.log = log
        self.event = event
        self.changes = changes
        self._begun = False
        self._closed = False

    def retarget(self, target: str) -> None:
        """Name the target once it is known (a user about to be created)."""
        if not self._begun:
            self.event = dataclasses.replace(self.event, target=target)

    def change(self, perform: Callable[[], T], status: int = 200) -> T:
        """`perform()`, recorded as started before it runs and with its outcome after."""
        self.log.begin(self.event)
        self._begun = True
        try:
            result = perform()
        except BaseException as error:
            self.log.finish(self.event, outcome_of(error))
            self._closed = True
            raise
        self.log.finish(self.event, outcome_of(None, status))
        self._closed = True
        return result

    def close(self, error: BaseException | None) -> None:
        """Record how the request ended, unless `change` already did or there is nothing to record."""
        if self._closed:
            return
        self._closed = True
        if error is None or (not self.changes and not isinstance(error, REFUSALS)):
            return
        self.log.record(self.event, outcome_of(error))
