"""The accept side: `POST /hooks/post-user-registration` and the Cognito Post Confirmation trigger.

Both only validate, normalise and enqueue, and answer at once: the hook runs later, on the
worker, so a slow or broken receiver (Slack, a CRM) never slows a sign-up down or fails it, as the
original promised ("its outcome does not affect the Auth0 transaction").

The accept route answers 503 when the queue is unavailable: its caller can retry. Cognito cannot
be asked to, and a failed trigger would fail the user's sign-up, so the trigger never fails: a
registration the queue does not take within its budget is kept in the table (see kept.py; the
worker moves it to the queue later) and the event is returned all the same.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..callers import require_machine
from ..deadline import margin_seconds
from ..exceptions import DahooksError
from ..hook_types import POST_USER_REGISTRATION
from ..logs import logger, with_invocation_context
from ..metrics import ACCEPTED, KEPT, intake_metrics
from ..responses import error_response, json_response, jwt_claims_of, request_id_of
from ..validation import parse_json_object, read_body
from .calls import CALL_SECONDS
from .kept import KeptRegistrations
from .queue import RegistrationQueue
from .sources import from_accept_body, from_cognito_trigger, is_cognito_trigger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from .model import Registration

# Cognito waits 5 s for the whole trigger, a cold start included. The queue gets at most this long
# (two short calls); keeping the registration in the table, one call more; the rest is the margin.
ENQUEUE_SECONDS = 2 * CALL_SECONDS


class RegistrationIntake:
    """The handler of the accept function; an instance lives as long as the container."""

    def __init__(self, queue: RegistrationQueue | None = None, kept: KeptRegistrations | None = None) -> None:
        self.queue = queue or RegistrationQueue()
        self.kept = kept or KeptRegistrations()
        self._handle = with_invocation_context(self._dispatch, keys={"hook": POST_USER_REGISTRATION})

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            return self._handle(event, context)
        finally:
            intake_metrics.flush(correlation_id=request_id_of(event))

    def _dispatch(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        if is_cognito_trigger(event):
            return self._cognito(event, context)
        return self._accept(event, context)

    @staticmethod
    def _seconds_left(context: LambdaContext) -> float:
        return context.get_remaining_time_in_millis() / 1000 - margin_seconds()

    def _enqueue_deadline(self, context: LambdaContext) -> float:
        return time.monotonic() + min(ENQUEUE_SECONDS, self._seconds_left(context) - CALL_SECONDS)

    def _accept(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        request_id = request_id_of(event)
        # Whose registration this is comes from the verified token, never from the body.
        claims = jwt_claims_of(event)
        caller = str(claims.get("sub") or "")
        try:
            require_machine(claims)
            registration = from_accept_body(parse_json_object(read_body(event)), caller)
            self._enqueue(registration, self._enqueue_deadline(context))
        except DahooksError as error:
            logger.info("registration refused", extra={"status": error.status, "error": error.code})
            return error_response(error, request_id)
        return json_response(202, {"accepted": True, "id": registration.id})

    def _cognito(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        """Enqueue a confirmed sign-up, or keep it; hand Cognito its event back unchanged, always."""
        deadline = self._enqueue_deadline(context)
        try:
            registration = from_cognito_trigger(event)
        except Exception as error:  # a sign-up must not fail on a registration we cannot read
            logger.critical(
                "a Cognito sign-up could not be read as a registration: its hook will not run",
                extra={"reason": type(error).__name__, "user_pool": event.get("userPoolId")},
            )
            return event
        if registration is None:
            logger.info("Cognito trigger ignored: not a sign-up", extra={"trigger": event.get("triggerSource")})
            return event
        try:
            self._enqueue(registration, deadline)
        except Exception:  # the queue failed within its budget; logged by the queue
            self._keep(registration, time.monotonic() + min(CALL_SECONDS, self._seconds_left(context)))
        return event

    def _keep(self, registration: Registration, deadline: float) -> None:
        keys = {"registration": registration.id, "source": registration.source}
        try:
            self.kept.keep(registration, deadline=deadline)
        except Exception as error:
            logger.critical(
                "a registration could be neither enqueued nor kept: its hook will not run",
                extra={**keys, "reason": str(error)},
            )
            return
        intake_metrics.add(POST_USER_REGISTRATION, KEPT)
        logger.warning("registration kept in the table until the queue takes it", extra=keys)

    def _enqueue(self, registration: Registration, deadline: float) -> None:
        message_id = self.queue.send(registration, deadline=deadline)
        intake_metrics.add(POST_USER_REGISTRATION, ACCEPTED)
        logger.info(
            "registration accepted",
            extra={"registration": registration.id, "source": registration.source, "message_id": message_id},
        )
