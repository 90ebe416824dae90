"""The accept side: `POST /hooks/post-user-registration` and the Cognito Post Confirmation trigger.

Both only validate, normalise and enqueue, and answer at once: the hook runs later, on the worker,
so a slow or broken receiver (Slack, a CRM) never slows a sign-up down or fails it, as the original
promised ("its outcome does not affect the Auth0 transaction"). One function serves both sources
because both need the same single permission, `sqs:SendMessage`, and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import DahooksError
from ..hook_types import POST_USER_REGISTRATION
from ..logs import logger, with_invocation_context
from ..responses import error_response, json_response, request_id_of
from ..validation import parse_json_object, read_body
from .queue import RegistrationQueue
from .sources import from_accept_body, from_cognito_trigger, is_cognito_trigger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from .model import Registration


class RegistrationIntake:
    """The handler of the accept function; an instance lives as long as the container."""

    def __init__(self, queue: RegistrationQueue | None = None) -> None:
        self.queue = queue or RegistrationQueue()
        self._handle = with_invocation_context(self._dispatch)

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return self._handle(event, context)

    def _dispatch(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        logger.append_keys(hook=POST_USER_REGISTRATION)
        if is_cognito_trigger(event):
            return self._cognito(event)
        return self._accept(event)

    def _accept(self, event: dict[str, Any]) -> dict[str, Any]:
        request_id = request_id_of(event)
        try:
            registration = from_accept_body(parse_json_object(read_body(event)))
            self._enqueue(registration)
        except DahooksError as error:
            logger.info("registration refused", extra={"status": error.status, "error": error.code})
            return error_response(error, request_id)
        return json_response(202, {"accepted": True, "id": registration.id})

    def _cognito(self, event: dict[str, Any]) -> dict[str, Any]:
        """Enqueue a confirmed sign-up and hand Cognito its event back unchanged, well inside its 5 s.

        Should the queue be unreachable the error propagates: Cognito then reports the failure and
        retries the trigger, and the registration's fixed id keeps a retry from running twice.
        """
        registration = from_cognito_trigger(event)
        if registration is None:
            logger.info("Cognito trigger ignored: not a sign-up", extra={"trigger": event.get("triggerSource")})
        else:
            self._enqueue(registration)
        return event

    def _enqueue(self, registration: Registration) -> None:
        message_id = self.queue.send(registration)
        logger.info(
            "registration accepted",
            extra={"registration": registration.id, "source": registration.source, "message_id": message_id},
        )
