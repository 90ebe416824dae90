"""Lambda's SQS event source mapping, for the local stack: a queue delivered to a function in batches.

What Lambda does, and so what the worker must cope with locally: long-poll the queue, hand up to
`batch_size` messages to the function as one `aws:sqs` event, delete the messages it handled, and
leave the others in flight. With `ReportBatchItemFailures` the function names the records that
failed (`batchItemFailures`); a function that raises, or names a record that was not in the batch,
fails the whole batch. A message left in flight becomes visible again when its visibility timeout
ends (or when the function changed it) and is delivered again; the queue's own redrive policy moves
it to the dead-letter queue after `maxReceiveCount` receives. moto implements that redrive, so
nothing here counts attempts: the queue does, as in AWS.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Callable
from typing import Any

from . import aws

log = logging.getLogger(__name__)

Invoke = Callable[[dict[str, Any]], Any]
MAX_BATCH_SIZE = 10  # a standard queue's ReceiveMessage returns at most ten messages
ERROR_PAUSE_S = 1.0


def lambda_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One received SQS message as a record of Lambda's `aws:sqs` event."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": {
            name: _message_attribute(value) for name, value in (message.get("MessageAttributes") or {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """boto3's message attribute in Lambda's spelling (camelCase, binary as base64)."""

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    attribute: dict[str, Any] = {
        "stringListValues": list(value.get("StringListValues") or []),
        "binaryListValues": [b64(item) for item in value.get("BinaryListValues") or []],
        "dataType": value.get("DataType", "String"),
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = b64(value["BinaryValue"])
    return attribute


def succeeded_records(records: list[dict[str, Any]], response: Any) -> list[dict[str, Any]]:
    """The records Lambda deletes after the function answered `response` (ReportBatchItemFailures).

    No answer or no failures: all of them. A failure that names no record of the batch: none, as
    Lambda then treats the whole batch as failed.
    """
    failures = (response or {}).get("batchItemFailures") if isinstance(response, dict) else None
    if not failures:
        return records
    ids = {record["messageId"] for record in records}
    failed = {item.get("itemIdentifier") if isinstance(item, dict) else None for item in failures}
    if not failed <= ids:
        log.warning("the function reported a failure for an unknown record: the whole batch is retried")
        return []
    return [record for record in records if record["messageId"] not in failed]


class SqsEventSource:
    """Delivers `queue_url` to `invoke` as Lambda would, on background threads, until `stop`.

    `pollers` threads poll at once, each invoking the function with one batch at a time: at most
    `pollers` invocations run at once, as a mapping's ScalingConfig `MaximumConcurrency` caps them
    in Lambda (the local stack passes that number). `visibility_timeout` overrides the queue's own
    for each receive (None keeps the queue's).
    """

    def __init__(
        self,
        queue_url: str,
        endpoint: str,
        invoke: Invoke,
        batch_size: int = 10,
        *,
        wait_seconds: int = 1,
        visibility_timeout: int | None = None,
        pollers: int = 1,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH_SIZE:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH_SIZE}, not {batch_size}")
        if pollers < 1:
            raise ValueError(f"pollers must be at least 1, not {pollers}")

        self.queue_url = queue_url
        self.invoke = invoke
        self.batch_size = batch_size
        self.wait_seconds = wait_seconds
        self.visibility_timeout = visibility_timeout
        self.pollers = pollers
        # boto3 clients are thread-safe: one serves every poller.
        self._sqs = aws.client("sqs", endpoint)
        self._queue_arn = ""
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def queue_arn(self) -> str:
        if not self._queue_arn:
            attributes = self._sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
            self._queue_arn = attributes["Attributes"]["QueueArn"]
        return self._queue_arn

    def start(self) -> None:
        """Start polling on `pollers` daemon threads."""
        if self._threads:
            raise RuntimeError("this event source is already started")
        self._stopping.clear()
        _ = self.queue_arn  # fail now, in the caller, if the queue does not exist
        name = self.queue_url.rsplit("/", 1)[-1]
        for index in range(self.pollers):
            thread = threading.Thread(target=self._poll, name=f"sqs-{name}-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop polling; the batch being handled finishes first, and its messages are settled."""
        self._stopping.set()
        for thread in self._threads:
            thread.join()
        self._threads = []

    def _poll(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once()
            except Exception:  # a poller must outlive a failed call, as Lambda's pollers do
                log.exception("polling %s failed; retrying", self.queue_url)
                self._stopping.wait(ERROR_PAUSE_S)

    def poll_once(self) -> int:
        """Receive one batch, invoke the function with it, settle it; returns the batch's size."""
        request: dict[str, Any] = {
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": self.batch_size,
            "WaitTimeSeconds": self.wait_seconds,
            "MessageSystemAttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
        }
        if self.visibility_timeout is not None:
            request["VisibilityTimeout"] = self.visibility_timeout
        messages = self._sqs.receive_message(**request).get("Messages", [])
        if not messages:
            return 0
        records = [lambda_record(message, self.queue_arn, aws.REGION) for message in messages]
        try:
            response = self.invoke({"Records": records})
        except Exception:
            # The invocation failed: every message stays in flight and comes back after its timeout.
            log.exception("the function failed on a batch of %d message(s); they will be retried", len(records))
            return len(records)
        self._delete(succeeded_records(records, response))
        return len(records)

    def _delete(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        entries = [{"Id": str(index), "ReceiptHandle": record["receiptHandle"]} for index, record in enumerate(records)]
        result = self._sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        for failure in result.get("Failed", []):
            log.warning("could not delete a handled message: %s", failure.get("Message") or failure.get("Code"))
