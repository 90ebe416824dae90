"""The worker: runs the Post User Registration hook for each registration SQS delivers.

Lambda's SQS event source hands it batches; each record is one registration, run on its own:
a record that fails (the hook raised, refused, or ran out of time) is reported in
`batchItemFailures` so that only it comes back, after a back-off, and after the queue's
`maxReceiveCount` receives it moves to the dead-letter queue intact. A record that already ran
(SQS delivers at least once) is recognised by its registration id and not run again.
"""

from __future__ import annotations

import copy
import threading
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from ..deadline import DeadlineExceeded, margin_seconds
from ..exceptions import HookTimeoutError
from ..hook_types import POST_USER_REGISTRATION
from ..hooks import call_hook, load_hook, wants_callback
from ..logs import logger, with_invocation_context
from .idempotency import dynamodb_persistence, idempotency_config, once_per_registration
from .masking import secret_mask
from .queue import RegistrationQueue
from .secrets import Secrets
from .sources import from_message

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
    from aws_lambda_powertools.utilities.typing import LambdaContext


class RegistrationWorker:
    """The handler of the worker function; an instance lives as long as the container."""

    def __init__(
        self,
        hook_path: Path,
        *,
        queue: RegistrationQueue | None = None,
        secrets: Secrets | None = None,
        persistence_factory: Callable[[], BasePersistenceLayer] = dynamodb_persistence,
    ) -> None:
        self.hook = load_hook(hook_path, "dahooks_hook_post_user_registration")
        # The original's `function (user, context, cb)`, or `hook(user, context)` returning or raising.
        self.with_callback = self.hook is not None and wants_callback(self.hook, 2)
        self.queue = queue or RegistrationQueue()
        self.secrets = secrets or Secrets()
        self.deadline_margin = margin_seconds()
        self._persistence_factory = persistence_factory
        self._run_once: Callable[..., Any] | None = None
        self._idempotency = idempotency_config()
        self._lock = threading.Lock()
        logger.addFilter(secret_mask)
        self._handle = with_invocation_context(self._process, http_api=False)

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return self._handle(event, context)

    def _process(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        logger.append_keys(hook=POST_USER_REGISTRATION)
        self._idempotency.register_lambda_context(context)  # an in-progress mark expires with this invocation
        processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        response: dict[str, Any] = dict(
            process_partial_response(
                event=event,
                record_handler=lambda record: self._process_record(record, context),
                processor=processor,
                context=context,
            )
        )
        failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
        if failed:
            self.queue.retry_later(record for record in event.get("Records", []) if record["messageId"] in failed)
        return response

    def _process_record(self, record: SQSRecord, context: LambdaContext) -> Any:
        receive_count = record.attributes.approximate_receive_count
        try:
            registration = from_message(record.body)
            if registration is None:
                logger.info("event ignored: not a sign-up", extra={"message_id": record.message_id})
                return None
            # Thread-local keys: the local stack may run several batches in one process at once.
            logger.thread_safe_append_keys(registration=registration.id, source=registration.source)
            return self._once()(registration=registration.as_dict(), context=context)
        except Exception as error:
            # Logged with its traceback; the filter masks every secret value in it.
            logger.warning(
                "the registration failed and will be retried",
                extra={"message_id": record.message_id, "receive_count": receive_count, "reason": str(error)},
                exc_info=error,
            )
            raise
        finally:
            logger.thread_safe_remove_keys(["registration", "source"])

    def _once(self) -> Callable[..., Any]:
        """The idempotent runner, built on first use (the DynamoDB client is not made at import)."""
        with self._lock:
            if self._run_once is None:
                self._run_once = once_per_registration(self._run, self._persistence_factory(), self._idempotency)
            return self._run_once

    def _run(self, *, registration: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        """Run the hook once for `registration`; raises (and so is retried) when the hook fails."""
        if self.hook is None:
            return {"id": registration["id"], "hook": False}  # §1: accepted, nothing run
        user = copy.deepcopy(registration["user"])
        hook_context = {**copy.deepcopy(registration["context"]), "secrets": self.secrets.get()}
        seconds = context.get_remaining_time_in_millis() / 1000 - self.deadline_margin
        try:
            call_hook(
                self.hook,
                (user, hook_context),
                hook_name=POST_USER_REGISTRATION,
                seconds=seconds,
                with_callback=self.with_callback,
            )
        except DeadlineExceeded:
            # A BaseException inside the hook; the batch processor only records `Exception`s.
            raise HookTimeoutError(f"The {POST_USER_REGISTRATION} hook did not finish in time.") from None
        logger.info("the post-user-registration hook ran")
        return {"id": registration["id"], "hook": True}
