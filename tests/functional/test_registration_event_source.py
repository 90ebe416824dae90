"""Redelivery and the dead-letter queue, end to end: moto's SQS, local/event_source.py, the worker, a receiver.

The event source does what Lambda's SQS event source mapping does; moto's queue counts receives
and applies the redrive policy. Visibility timeouts are short so that the suite stays fast.
"""

from __future__ import annotations

import json
import threading
import time

from dahooks.registration.sources import from_accept_body
from local.event_source import SqsEventSource
from local.testing import TESTER, eventually, load_event


def new_user_body() -> dict:
    return json.loads(load_event("post-user-registration-accepted.json")["body"])


def test_a_receiver_failing_twice_gets_the_message_once_on_the_third_attempt(registration_stack, slack):
    stack = registration_stack(max_receive_count=5)
    slack.fail_first = 2
    stack.accept(new_user_body())
    source = stack.event_source()

    source.start()
    try:
        eventually(lambda: stack.depth() == 0)
        time.sleep(1.0)  # time for a wrong extra delivery to show
    finally:
        source.stop()

    assert slack.attempts == 3
    assert slack.texts() == ["New User: user1 (user1@foo.com)"]
    assert stack.depth(stack.dead_letter_url) == 0


def test_a_receiver_that_always_fails_leaves_the_message_intact_in_the_dead_letter_queue(registration_stack, slack):
    stack = registration_stack(max_receive_count=3)
    slack.always_fail = True
    body = new_user_body()
    stack.accept(body)
    source = stack.event_source()

    source.start()
    try:
        eventually(lambda: stack.depth(stack.dead_letter_url) == 1)
    finally:
        source.stop()

    assert slack.attempts == 3  # maxReceiveCount attempts, then the queue moved it
    (dead,) = stack.receive(stack.dead_letter_url)
    assert dead["Body"] == from_accept_body(body, TESTER).to_message()
    assert stack.depth() == 0
    assert slack.received == []


def test_failed_records_come_back_alone_and_the_others_are_deleted(registration_stack):
    stack = registration_stack(max_receive_count=3)
    for name in ("a", "b", "c"):
        stack.send_raw(name)
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()

    def invoke(event: dict) -> dict:
        with lock:
            seen.extend((r["body"], r["attributes"]["ApproximateReceiveCount"]) for r in event["Records"])
        failed = [r["messageId"] for r in event["Records"] if r["body"] == "b"]
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}

    source = SqsEventSource(stack.queue_url, stack.moto_endpoint, invoke, batch_size=10, visibility_timeout=1)
    source.start()
    try:
        eventually(lambda: stack.depth(stack.dead_letter_url) == 1)
    finally:
        source.stop()

    assert sorted(body for body, _ in seen if body != "b") == ["a", "c"]
    assert [count for body, count in seen if body == "b"] == ["1", "2", "3"]
    assert stack.depth() == 0


def test_a_function_error_retries_the_whole_batch(registration_stack):
    stack = registration_stack()
    for name in ("a", "b"):
        stack.send_raw(name)
    deliveries: list[str] = []

    def invoke(event: dict) -> dict:
        deliveries.extend(r["body"] for r in event["Records"])
        if len(deliveries) <= 2:
            raise RuntimeError("the function crashed")
        return {"batchItemFailures": []}

    source = SqsEventSource(stack.queue_url, stack.moto_endpoint, invoke, batch_size=10, visibility_timeout=1)
    source.start()
    try:
        eventually(lambda: stack.depth() == 0)
    finally:
        source.stop()

    assert sorted(deliveries) == ["a", "a", "b", "b"]


def test_a_failed_registration_waits_its_back_off_not_just_the_visibility_timeout(registration_stack, slack):
    stack = registration_stack(retry_base_seconds=30, visibility_timeout=1)
    slack.always_fail = True
    stack.accept(new_user_body())
    source = stack.event_source()

    source.start()
    try:
        eventually(lambda: slack.attempts == 1)
        time.sleep(2.5)  # well past the queue's 1 s visibility timeout
    finally:
        source.stop()

    assert slack.attempts == 1
    assert stack.receive() == []  # still in flight: the back-off (15-30 s) holds it
    assert stack.depth() == 1


def test_stopping_the_event_source_ends_its_pollers(registration_stack):
    stack = registration_stack()
    source = SqsEventSource(stack.queue_url, stack.moto_endpoint, lambda event: None, pollers=3)

    source.start()
    source.stop()

    assert not [thread for thread in threading.enumerate() if thread.name.startswith("sqs-registrations-")]
