"""A receiver outage of an hour loses nothing to the dead-letter queue: the retry schedule, proved
on a simulated clock through the real code paths.

The accept function's and the worker's real handlers run (idempotency records in DynamoDB Local,
the secret from moto, the Slack sample posting to a real HTTP receiver on 127.0.0.1 that fails
while the simulated outage lasts). Only SQS's clock is simulated: `SimulatedQueue` keeps each
message's receive count and visibility as SQS does (a receive hides a message for the queue's
visibility timeout, ChangeMessageVisibility sets when it comes back, a receive past
maxReceiveCount moves it to the dead-letter queue, retention deletes it), and the loop below
delivers it to the worker as Lambda's event source does, jumping the clock to the next message
that becomes visible. Hours of back-off take a second.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, replace
from typing import Any

from dahooks.registration import settings
from dahooks.registration.queue import RegistrationQueue
from dahooks.registration.schedule import MAX_VISIBILITY_SECONDS
from local import aws
from local.event_source import lambda_record, succeeded_records
from local.testing import INTAKE, WORKER, RegistrationStack

QUEUE_URL = f"https://sqs.simulated/{aws.ACCOUNT}/registrations"
QUEUE_ARN = f"arn:aws:sqs:{aws.REGION}:{aws.ACCOUNT}:registrations"
HOUR = 3600


@dataclass
class Message:
    message_id: str
    body: str
    sent_at: float
    visible_at: float
    receive_count: int = 0
    receipt: str = ""


class SimulatedQueue:
    """One SQS queue and its dead-letter queue on a simulated clock, with the client calls the
    registration code makes (`send_message`, `change_message_visibility_batch`)."""

    def __init__(self, *, max_receive_count: int, visibility_timeout: int, retention: int) -> None:
        self.now = 0.0
        self.max_receive_count = max_receive_count
        self.visibility_timeout = visibility_timeout
        self.retention = retention
        self.messages: dict[str, Message] = {}
        self.dead_letters: list[Message] = []
        self.expired: list[Message] = []
        self.receives: list[tuple[float, str, int]] = []  # (time, message id, receive count)

    # The calls the registration code makes through its boto3 client.
    def send_message(self, QueueUrl: str, MessageBody: str, **_: Any) -> dict[str, str]:  # noqa: N803 - boto3's names
        message = Message(str(uuid.uuid4()), MessageBody, sent_at=self.now, visible_at=self.now)
        self.messages[message.message_id] = message
        return {"MessageId": message.message_id}

    def change_message_visibility_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        by_receipt = {message.receipt: message for message in self.messages.values()}
        for entry in Entries:
            seconds = entry["VisibilityTimeout"]
            assert isinstance(seconds, int)  # what SQS accepts: whole seconds, up to 12 hours
            assert 0 <= seconds <= MAX_VISIBILITY_SECONDS
            by_receipt[entry["ReceiptHandle"]].visible_at = self.now + seconds
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries], "Failed": []}

    # What SQS and Lambda's event source do.
    def next_visible_at(self) -> float | None:
        return min((message.visible_at for message in self.messages.values()), default=None)

    def receive(self, batch_size: int) -> list[dict[str, Any]]:
        for message in [m for m in self.messages.values() if self.now - m.sent_at >= self.retention]:
            self.expired.append(self.messages.pop(message.message_id))
        received = []
        for message in sorted(self.messages.values(), key=lambda m: m.visible_at):
            if message.visible_at > self.now or len(received) == batch_size:
                continue
            message.receive_count += 1
            if message.receive_count > self.max_receive_count:  # the redrive policy
                self.dead_letters.append(self.messages.pop(message.message_id))
                continue
            message.receipt = str(uuid.uuid4())
            message.visible_at = self.now + self.visibility_timeout
            self.receives.append((self.now, message.message_id, message.receive_count))
            received.append(
                {
                    "MessageId": message.message_id,
                    "ReceiptHandle": message.receipt,
                    "Body": message.body,
                    "Attributes": {
                        "ApproximateReceiveCount": str(message.receive_count),
                        "SentTimestamp": str(int(message.sent_at * 1000)),
                    },
                }
            )
        return received

    def delete(self, receipt: str) -> None:
        for message in list(self.messages.values()):
            if message.receipt == receipt:
                del self.messages[message.message_id]


def simulated(stack: RegistrationStack) -> SimulatedQueue:
    """Point both functions at a simulated queue shaped like template.yaml's RegistrationQueue."""
    template_queue = stack.functions[WORKER].environment
    queue = SimulatedQueue(
        max_receive_count=int(template_queue["REGISTRATION_MAX_RECEIVE_COUNT"]),
        visibility_timeout=360,
        retention=int(template_queue["REGISTRATION_RETENTION_SECONDS"]),
    )
    for logical_id in (INTAKE, WORKER):
        stack.handlers[logical_id].queue = RegistrationQueue(QUEUE_URL, client=queue)
    return queue


def run_until_settled(stack: RegistrationStack, queue: SimulatedQueue, slack: Any, outage_ends: float) -> None:
    """Deliver the queue to the worker as Lambda does, the receiver failing until `outage_ends`."""
    batch_size = int(stack.functions[WORKER].environment["REGISTRATION_BATCH_SIZE"])
    while (next_visible := queue.next_visible_at()) is not None:
        queue.now = max(queue.now, next_visible)
        slack.always_fail = queue.now < outage_ends
        messages = queue.receive(batch_size)
        if not messages:
            continue
        records = [lambda_record(message, QUEUE_ARN, aws.REGION) for message in messages]
        response = stack.work({"Records": records})
        for record in succeeded_records(records, response):
            queue.delete(record["receiptHandle"])


def accept(stack: RegistrationStack, index: int) -> None:
    body = {
        "user": {"id": f"user-{index}", "tenant": "t", "username": f"user{index}", "email": f"u{index}@x.io"},
        "context": {"connection": {"id": "con_1", "name": "db", "tenant": "t"}},
    }
    assert stack.accept(body)[0] == 202


def deployed(registration_stack: Any) -> RegistrationStack:
    """The stack with the template's retry defaults (the fixture shortens them for the other tests)."""
    return registration_stack(
        max_receive_count=settings.DEFAULT_MAX_RECEIVE_COUNT, retry_base_seconds=int(settings.DEFAULT_RETRY_BASE)
    )


def test_registrations_accepted_during_an_hour_long_outage_all_arrive_once(registration_stack, slack):
    stack = deployed(registration_stack)
    worker = stack.handlers[WORKER]
    worker.schedule = replace(worker.schedule, draw=random.Random(7).random)  # reproducible jitter
    queue = simulated(stack)
    for index in range(20):
        queue.now = index * 180.0  # one sign-up every 3 minutes while the receiver is down
        accept(stack, index)
    queue.now = 0.0  # the run starts at the outage's start; each message turns visible when it was sent

    run_until_settled(stack, queue, slack, outage_ends=HOUR)

    assert worker.schedule.max_receive_count == 16
    assert sorted(slack.texts()) == sorted(f"New User: user{i} (u{i}@x.io)" for i in range(20))
    assert queue.dead_letters == []
    assert queue.expired == []
    assert max(count for _, _, count in queue.receives) > 5  # it took retries: the old 5 receives were not enough


def test_with_the_shortest_waits_the_last_attempt_comes_at_the_guaranteed_minimum(registration_stack, slack):
    stack = deployed(registration_stack)
    worker = stack.handlers[WORKER]
    worker.schedule = replace(worker.schedule, draw=lambda: 0.0)  # every wait at its shortest
    guaranteed = worker.schedule.minimum_until_last_attempt()
    queue = simulated(stack)
    accept(stack, 1)

    run_until_settled(stack, queue, slack, outage_ends=guaranteed)  # up just in time for the last attempt

    assert guaranteed == 18090
    assert [(time, count) for time, _, count in queue.receives][-1] == (guaranteed, 16)
    assert slack.texts() == ["New User: user1 (u1@x.io)"]
    assert queue.dead_letters == []


def test_an_outage_longer_than_the_guarantee_ends_in_the_dead_letter_queue_intact(registration_stack, slack):
    stack = deployed(registration_stack)
    worker = stack.handlers[WORKER]
    worker.schedule = replace(worker.schedule, draw=lambda: 0.0)
    queue = simulated(stack)
    accept(stack, 1)
    (sent,) = [message.body for message in queue.messages.values()]

    run_until_settled(stack, queue, slack, outage_ends=worker.schedule.minimum_until_last_attempt() + 1)

    assert slack.received == []
    assert [message.body for message in queue.dead_letters] == [sent]
    assert json.loads(sent)["user"]["id"] == "user-1"
    assert queue.now == worker.schedule.minimum_until_dead_letter()  # moved at the 17th receive
