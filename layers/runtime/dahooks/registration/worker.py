"""The worker: runs the Post User Registration hook for each registration SQS delivers.

Lambda's SQS event source hands it batches; each record is one registration, run on its own:
a record that fails (the hook raised, refused, or ran out of its attempt's time) is reported in
`batchItemFailures` so that only it comes back, after the retry schedule's back-off (schedule.py),
and after the queue's `maxReceiveCount` receives it moves to the dead-letter queue intact.

A record starts only when a whole attempt still fits in the invocation, and no sooner than the
delivery interval after the previous one (budget.py); a record that does not fit is given back,
visible again at once, without an attempt. A record that already ran (SQS delivers at least once)
is recognised by its registration id and not run again; one that arrives under an id that already
ran but with other content is set aside in the dead-letter queue, with an error in the log.

A scheduled invocation (an EventBridge "Scheduled Event") moves the registrations the Cognito
trigger had to keep in the table (kept.py) to the queue.
"""

from __future__ import annotations

import copy
import threading
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError

from ..deadline import DeadlineExceeded
from ..exceptions import HookTimeoutError
from ..hook_types import POST_USER_REGISTRATION
from ..hooks import call_hook, load_hook, wants_callback
from ..logs import logger, with_invocation_context
from ..metrics import DEAD_LETTERED, DELIVERED, RETRIED, worker_metrics
from . import settings
from .budget import DeliverySlots, WorkerLimits, admit
from .idempotency import dynamodb_persistence, idempotency_config, once_per_registration
from .kept import KeptRegistrations
from .masking import secret_mask
from .queue import RegistrationQueue
from .schedule import RetrySchedule
from .secrets import Secrets
from .sources import from_message

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from .model import Registration

# The message attribute a registration set aside in the dead-letter queue carries, and its value.
SET_ASIDE_REASON = "reason"
CONTENT_CONFLICT = "content-conflict"


class NotAttemptedError(Exception):
    """No whole attempt fits in what is left of the invocation: the record goes back untouched."""


def is_scheduled_event(event: dict[str, Any]) -> bool:
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"


class RegistrationWorker:
    """The handler of the worker function; an instance lives as long as the container.

    Refuses to start (`WorkerConfigurationError`) when its settings cannot keep their promise: a
    batch that does not fit the function's timeout, retries that outlast the queue's retention.
    """

    def __init__(
        self,
        hook_path: Path,
        *,
        queue: RegistrationQueue | None = None,
        dead_letters: RegistrationQueue | None = None,
        kept: KeptRegistrations | None = None,
        secrets: Secrets | None = None,
        persistence_factory: Callable[[], BasePersistenceLayer] = dynamodb_persistence,
    ) -> None:
        self.limits = WorkerLimits.from_environment()
        self.schedule = RetrySchedule.from_environment()
        self.limits.check(self.schedule, settings.retention_seconds())
        self.slots = DeliverySlots(self.limits.interval)
        self.hook = load_hook(hook_path, "dahooks_hook_post_user_registration")
        # The original's `function (user, context, cb)`, or `hook(user, context)` returning or raising.
        self.with_callback = self.hook is not None and wants_callback(self.hook, 2)
        self.queue = queue or RegistrationQueue()
        self.dead_letters = dead_letters or RegistrationQueue(url_variable=settings.DEAD_LETTER_QUEUE_URL)
        self.kept = kept or KeptRegistrations()
        self.secrets = secrets or Secrets()
        self._persistence_factory = persistence_factory
        self._run_once: Callable[..., Any] | None = None
        self._idempotency = idempotency_config()
        self._lock = threading.Lock()
        logger.addFilter(secret_mask)
        secret_mask.install()  # the root logger's handlers too: a hook's own logger writes there
        self._handle = with_invocation_context(self._process, http_api=False, keys={"hook": POST_USER_REGISTRATION})

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            return self._handle(event, context)
        finally:
            worker_metrics.flush()

    def _seconds_left(self, context: LambdaContext) -> float:
        return context.get_remaining_time_in_millis() / 1000 - self.limits.margin

    def _process(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        secret_mask.install()  # and any handler added since the last invocation
        if is_scheduled_event(event):
            return {"moved": self.kept.drain(self.queue, lambda: self._seconds_left(context))}
        self._idempotency.register_lambda_context(context)  # an in-progress mark expires with this invocation
        given_back: set[str] = set()
        processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        response: dict[str, Any] = dict(
            process_partial_response(
                event=event,
                record_handler=lambda record: self._process_record(record, context, given_back),
                processor=processor,
                context=context,
            )
        )
        failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
        records = event.get("Records", [])
        if given_back:
            logger.info("records given back untried: no whole attempt fitted", extra={"count": len(given_back)})
            self.queue.give_back(record for record in records if record["messageId"] in given_back)
        if failed - given_back:
            self.queue.retry_later(
                (record for record in records if record["messageId"] in failed - given_back), self.schedule
            )
        return response

    def _process_record(self, record: SQSRecord, context: LambdaContext, given_back: set[str]) -> Any:
        if self._seconds_left(context) < self.limits.attempt_seconds:
            given_back.add(record.message_id)
            raise NotAttemptedError
        registration: Registration | None = None
        try:
            registration = from_message(record.body)
            if registration is None:
                logger.info("event ignored: not a sign-up", extra={"message_id": record.message_id})
                return None
            # Thread-local keys: the local stack may run several batches in one process at once.
            logger.thread_safe_append_keys(registration=registration.id, source=registration.source)
            return self._once()(registration=registration.as_dict(), context=context)
        except NotAttemptedError:
            given_back.add(record.message_id)
            raise
        except IdempotencyValidationError:
            assert registration is not None  # raised only once the message was read
            return self._set_aside(record, registration)
        except Exception as error:
            self._log_failure(record, error)
            raise
        finally:
            logger.thread_safe_remove_keys(["registration", "source"])

    def _log_failure(self, record: SQSRecord, error: Exception) -> None:
        """Logged with its traceback; the mask hides every secret value in it."""
        receive_count = record.attributes.approximate_receive_count
        last = int(receive_count) >= self.schedule.max_receive_count
        worker_metrics.add(POST_USER_REGISTRATION, DEAD_LETTERED if last else RETRIED)
        log = logger.error if last else logger.warning
        log(
            "the registration failed its last attempt and moves to the dead-letter queue"
            if last
            else "the registration failed and will be retried",
            extra={"message_id": record.message_id, "receive_count": receive_count, "reason": str(error)},
            exc_info=error,
        )

    def _set_aside(self, record: SQSRecord, registration: Registration) -> None:
        """A registration under an id that already ran, with other content: neither run nor taken for
        a copy, but kept, intact, in the dead-letter queue for someone to look at."""
        worker_metrics.add(POST_USER_REGISTRATION, DEAD_LETTERED)
        logger.error(
            "a registration arrived under an id that already ran, with other content: "
            "not run, set aside in the dead-letter queue",
            extra={"message_id": record.message_id},
        )
        self.dead_letters.send_body(
            record.body, attributes={SET_ASIDE_REASON: {"DataType": "String", "StringValue": CONTENT_CONFLICT}}
        )

    def _once(self) -> Callable[..., Any]:
        """The idempotent runner, built on first use (the DynamoDB client is not made at import)."""
        with self._lock:
            if self._run_once is None:
                self._run_once = once_per_registration(self._run, self._persistence_factory(), self._idempotency)
            return self._run_once

    def _run(self, *, registration: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        """Run the hook once for `registration`; raises (and so is retried) when the hook fails."""
        if self.hook is None:
            worker_metrics.add(POST_USER_REGISTRATION, DELIVERED)
            return {"id": registration["id"], "hook": False}  # accepted, nothing to run
        user = copy.deepcopy(registration["user"])
        hook_context = {**copy.deepcopy(registration["context"]), "secrets": self.secrets.get()}
        # Last before the hook, so that the receiver sees calls at least an interval apart.
        attempt = admit(self.limits, self.slots, context)
        if attempt is None:
            raise NotAttemptedError  # Powertools drops the in-progress mark: the record is as it was
        try:
            call_hook(
                self.hook,
                (user, hook_context),
                hook_name=POST_USER_REGISTRATION,
                seconds=attempt.hook_seconds(self._seconds_left(context)),
                with_callback=self.with_callback,
            )
        except DeadlineExceeded:
            # A BaseException inside the hook; the batch processor only records `Exception`s.
            raise HookTimeoutError(f"The {POST_USER_REGISTRATION} hook did not finish in time.") from None
        worker_metrics.add(POST_USER_REGISTRATION, DELIVERED)
        logger.info("the post-user-registration hook ran")
        return {"id": registration["id"], "hook": True}
