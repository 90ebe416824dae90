"""How the worker spends its time and how fast registrations leave: moto's SQS, DynamoDB Local,
the worker's real handler and a receiver on 127.0.0.1.

- A record starts only when a whole attempt fits in the invocation; the others are given back
  untouched, visible again at once, without an attempt and without a back-off.
- One worker starts a record at most every RegistrationDeliveryIntervalSeconds, across invocations.
- The local event source runs at most MaximumConcurrency invocations at once, as Lambda does.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from dahooks.registration import idempotency
from local import aws
from local.stack import _start_event_sources
from local.template import Template
from local.testing import WORKER, sqs_event

WAIT_S = 30.0


def body(index: int) -> dict[str, Any]:
    return {
        "user": {"id": f"user-{index}", "tenant": "t", "username": f"user{index}", "email": f"u{index}@x.io"},
        "context": {"connection": {"id": "con_1", "name": "db", "tenant": "t"}},
    }


def idempotency_records(dynamodb_endpoint: str, table: str) -> list[dict[str, Any]]:
    return aws.client("dynamodb", dynamodb_endpoint).query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": idempotency.PARTITION}},
    )["Items"]


def test_a_record_without_time_for_a_whole_attempt_is_given_back_untried_and_visible_at_once(
    registration_stack, slack, dynamodb_endpoint, table, captured_logs
):
    # 4 s attempts, one every 4 s, in a 12 s invocation (11.5 s once the runtime's 0.5 s margin is
    # kept). The first record starts once the secret is read (d s in), the second 4 s later (it fits
    # while d + 4 + 4 <= 11.5, so for any start-up of up to 3.5 s, on a loaded machine too), and the
    # third would start at d + 8 and end at d + 12, after the invocation, however fast the start.
    stack = registration_stack(
        visibility_timeout=60,  # a record left in flight would stay hidden for a minute
        retry_base_seconds=30,  # and a failed one for 15 to 30 s
        parameters={"RegistrationAttemptSeconds": 4, "RegistrationDeliveryIntervalSeconds": 4},
    )
    for index in range(3):
        stack.accept(body(index))
    messages = sorted(stack.receive(), key=lambda m: json.loads(m["Body"])["user"]["id"])
    assert len(messages) == 3

    response = stack.work(sqs_event(messages), timeout=12.0)
    (back,) = stack.receive()  # at once

    assert response == {"batchItemFailures": [{"itemIdentifier": messages[2]["MessageId"]}]}
    assert slack.texts() == ["New User: user0 (u0@x.io)", "New User: user1 (u1@x.io)"]
    assert back["MessageId"] == messages[2]["MessageId"]
    assert back["Attributes"]["ApproximateReceiveCount"] == "2"  # SQS counts every receive
    # Untouched: no idempotency record, no failure logged, no back-off applied.
    assert len(idempotency_records(dynamodb_endpoint, table)) == 2  # Powertools keys them by a hash of the id
    assert "will be retried" not in captured_logs.text
    assert "records given back untried" in captured_logs.messages()[-1]


def test_one_worker_starts_a_record_at_most_once_per_delivery_interval_across_invocations(registration_stack, tmp_path):
    interval = 0.5
    stack = registration_stack(parameters={"RegistrationDeliveryIntervalSeconds": interval})
    hook_file = tmp_path / "hook.py"
    hook_file.write_text("import time\n\ndef hook(user, context):\n    STARTS.append(time.monotonic())\n")
    worker = type(stack.handlers[WORKER])(hook_file)  # a cold container with that hook
    starts: list[float] = []
    worker.hook.__globals__["STARTS"] = starts
    stack.handlers[WORKER] = worker
    for index in range(4):
        stack.accept(body(index))
    messages = stack.receive()

    stack.work(sqs_event(messages[:2]))  # two invocations of the same container
    stack.work(sqs_event(messages[2:]))

    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 4
    assert min(gaps) >= interval - 0.01, gaps  # each call waits for its slot, booked an interval after the last
    assert max(gaps) < 2 * interval, gaps


def test_the_local_event_source_runs_at_most_the_templates_maximum_concurrency(registration_stack):
    stack = registration_stack()
    for index in range(12):
        stack.send_raw(f"message {index}")
    running, most = 0, 0
    lock = threading.Lock()

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.2)
        with lock:
            running -= 1
        return {"batchItemFailures": []}

    class Pool:
        def invoker(self, logical_id: str) -> Any:
            assert logical_id == WORKER
            return invoke

    arn = f"arn:aws:sqs:{aws.REGION}:{aws.ACCOUNT}:{stack.queue_url.rsplit('/', 1)[-1]}"
    template = Template(values={"RegistrationQueue.Arn": arn, "RegistrationQueue.QueueUrl": stack.queue_url})
    sources = _start_event_sources(template, Pool(), stack.moto_endpoint)
    try:
        deadline = time.monotonic() + WAIT_S
        while stack.depth() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        for source in sources:
            source.stop()

    assert [(source.pollers, source.batch_size) for source in sources] == [(2, 5)]
    assert stack.depth() == 0
    assert most == 2
