"""The registration queue: sending a registration, and setting when a received one comes back.

SQS (not an asynchronous Lambda invocation) so that a registration survives any outage of the
hook's receiver for the queue's retention period, and ends in a dead-letter queue, intact, when
every attempt failed.

Every call is short (see calls.py): `send` makes at most two attempts and none that would end
after the caller's deadline, so the Cognito trigger still has time for its fallback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..aws_clients import new_client
from ..exceptions import PayloadTooLargeError, ServiceUnavailableError
from ..logs import logger
from . import settings
from .calls import attempts, short_call_config

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import ChangeMessageVisibilityBatchRequestEntryTypeDef, MessageAttributeValueTypeDef

    from .model import Registration
    from .schedule import RetrySchedule

# SQS's classic message limit; kept although SQS now takes 1 MiB, so that a registration also fits
# a queue (or a local emulator) still configured for the old one.
MAX_MESSAGE_BYTES = 256 * 1024
_BATCH_LIMIT = 10  # ChangeMessageVisibilityBatch takes at most ten entries


def _receive_count(record: dict[str, Any]) -> int:
    return int((record.get("attributes") or {}).get("ApproximateReceiveCount") or 1)


class RegistrationQueue:
    """The SQS queue named by the variable `url_variable`; the client is built on first use."""

    def __init__(
        self, queue_url: str | None = None, client: SQSClient | None = None, url_variable: str = settings.QUEUE_URL
    ) -> None:
        self._queue_url = queue_url
        self._client = client
        self._url_variable = url_variable

    @property
    def url(self) -> str:
        if self._queue_url is None:
            self._queue_url = settings.required(self._url_variable)
        return self._queue_url

    @property
    def client(self) -> SQSClient:
        if self._client is None:
            self._client = new_client("sqs", config=short_call_config())
        return self._client

    def send(self, registration: Registration, *, deadline: float | None = None) -> str:
        """Enqueue `registration`; returns SQS's message id. Raises an error the edge can answer."""
        body = registration.to_message()
        if len(body.encode("utf-8")) > MAX_MESSAGE_BYTES:
            raise PayloadTooLargeError(f"the registration is over {MAX_MESSAGE_BYTES} bytes once serialised")
        return self.send_body(body, deadline=deadline)

    def send_body(
        self,
        body: str,
        *,
        deadline: float | None = None,
        attributes: dict[str, MessageAttributeValueTypeDef] | None = None,
    ) -> str:
        """Send a message body as it is, within `deadline` (see `calls.attempts`); raises `ServiceUnavailableError`."""
        from botocore.exceptions import BotoCoreError, ClientError

        reason = ""
        for _ in attempts(deadline):
            try:
                if attributes:
                    response = self.client.send_message(
                        QueueUrl=self.url, MessageBody=body, MessageAttributes=attributes
                    )
                else:
                    response = self.client.send_message(QueueUrl=self.url, MessageBody=body)
            except (BotoCoreError, ClientError) as exc:
                reason = type(exc).__name__
                continue
            return response["MessageId"]
        logger.error("the registration could not be enqueued", extra={"reason": reason})
        raise ServiceUnavailableError("The registration queue is unavailable; try again.")

    def retry_later(self, records: Iterable[dict[str, Any]], schedule: RetrySchedule) -> None:
        """Give failed records their back-off before the next attempt (best effort).

        Lambda leaves a failed record invisible for the queue's whole visibility timeout; this sets
        the wait the schedule gives the attempt that failed. Should it fail, the message simply
        comes back when its visibility timeout ends.
        """
        self._set_visibility([(record, schedule.delay(_receive_count(record))) for record in records])

    def give_back(self, records: Iterable[dict[str, Any]]) -> None:
        """Make records that were not attempted visible again at once, for another worker or invocation."""
        self._set_visibility([(record, 0) for record in records])

    def _set_visibility(self, waits: list[tuple[dict[str, Any], int]]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        entries: list[ChangeMessageVisibilityBatchRequestEntryTypeDef] = [
            {"Id": str(index), "ReceiptHandle": record["receiptHandle"], "VisibilityTimeout": seconds}
            for index, (record, seconds) in enumerate(waits)
        ]
        for start in range(0, len(entries), _BATCH_LIMIT):
            try:
                self.client.change_message_visibility_batch(
                    QueueUrl=self.url, Entries=entries[start : start + _BATCH_LIMIT]
                )
            except (BotoCoreError, ClientError, RuntimeError) as exc:
                logger.warning("could not set when records come back", extra={"reason": type(exc).__name__})
