"""The registration queue: sending a registration, and putting a failed one back for later.

SQS (not an asynchronous Lambda invocation) so that a registration survives any outage of the
hook's receiver for the queue's retention period, and ends in a dead-letter queue, intact, when
every attempt failed.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from .. import config
from ..exceptions import PayloadTooLargeError, ServiceUnavailableError
from ..logs import logger
from . import settings

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import ChangeMessageVisibilityBatchRequestEntryTypeDef

    from .model import Registration

# SQS's classic message limit; kept although SQS now takes 1 MiB, so that a registration also fits
# a queue (or a local emulator) still configured for the old one.
MAX_MESSAGE_BYTES = 256 * 1024
# ChangeMessageVisibility takes whole seconds, at most 12 hours.
MAX_VISIBILITY_SECONDS = 12 * 3600


def retry_delay(receive_count: int, base: float, cap: float) -> int:
    """Seconds before the `receive_count`-th failed attempt is tried again: exponential, jittered.

    base * 2^(n-1), capped, with "equal jitter" (half fixed, half random) so that registrations that
    failed together (the receiver was down) do not all come back in the same second.
    """
    ceiling = min(cap, base * (1 << max(0, receive_count - 1)), MAX_VISIBILITY_SECONDS)
    return round(ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311 - jitter, not cryptography


class RegistrationQueue:
    """The SQS queue named by `REGISTRATION_QUEUE_URL`; the client is built on first use."""

    def __init__(self, queue_url: str | None = None, client: SQSClient | None = None) -> None:
        self._queue_url = queue_url
        self._client = client

    @property
    def url(self) -> str:
        if self._queue_url is None:
            self._queue_url = settings.required(settings.QUEUE_URL)
        return self._queue_url

    @property
    def client(self) -> SQSClient:
        if self._client is None:
            import boto3  # imported here: the layer does not pay for boto3 until a queue is used
            from botocore.config import Config

            self._client = boto3.client(
                "sqs", config=Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
            )
        return self._client

    def send(self, registration: Registration) -> str:
        """Enqueue `registration`; returns SQS's message id. Raises a §4 error the edge can answer."""
        from botocore.exceptions import BotoCoreError, ClientError

        body = registration.to_message()
        if len(body.encode("utf-8")) > MAX_MESSAGE_BYTES:
            raise PayloadTooLargeError(f"the registration is over {MAX_MESSAGE_BYTES} bytes once serialised")
        try:
            response = self.client.send_message(QueueUrl=self.url, MessageBody=body)
        except (BotoCoreError, ClientError) as exc:
            logger.error("the registration could not be enqueued", extra={"reason": type(exc).__name__})
            raise ServiceUnavailableError("The registration queue is unavailable; try again.") from exc
        return response["MessageId"]

    def retry_later(self, records: Iterable[dict[str, Any]]) -> None:
        """Give failed records their back-off before the next attempt (best effort).

        Lambda leaves a failed record invisible for the queue's whole visibility timeout; this
        shortens the first waits and lengthens the later ones. Should it fail, the message simply
        comes back when its visibility timeout ends.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        base = config.env_float(settings.RETRY_BASE, settings.DEFAULT_RETRY_BASE)
        cap = config.env_float(settings.RETRY_MAX, settings.DEFAULT_RETRY_MAX)
        entries: list[ChangeMessageVisibilityBatchRequestEntryTypeDef] = [
            {
                "Id": str(index),
                "ReceiptHandle": record["receiptHandle"],
                "VisibilityTimeout": retry_delay(
                    int((record.get("attributes") or {}).get("ApproximateReceiveCount") or 1), base, cap
                ),
            }
            for index, record in enumerate(records)
        ]
        for start in range(0, len(entries), 10):  # the batch call takes at most ten entries
            try:
                self.client.change_message_visibility_batch(QueueUrl=self.url, Entries=entries[start : start + 10])
            except (BotoCoreError, ClientError, RuntimeError) as exc:
                logger.warning("could not set the retry back-off", extra={"reason": type(exc).__name__})
