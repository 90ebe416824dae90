"""The Cognito Post Confirmation trigger never fails a sign-up, and never loses its registration.

The accept function's real handler; SQS made unreachable by pointing it at a TCP server on
127.0.0.1 that accepts connections and never answers (the worst case: every call waits for its
timeout); the registration kept in DynamoDB Local; the worker's scheduled invocation moving it to
moto's queue; the Slack sample posting it to a receiver on 127.0.0.1.
"""

from __future__ import annotations

import copy
import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from dahooks.registration import kept
from dahooks.registration.sources import from_cognito_trigger
from local import aws
from local.testing import INTAKE, SilentServer, load_event, sqs_event

if TYPE_CHECKING:
    from collections.abc import Iterator

COGNITO_TIMEOUT_S = 5.0  # Cognito's limit for a trigger, and the function's Timeout
PERSONAL = ("jdoe", "+15555550100", "8a7b6c5d-1234-4e5f-9abc-0123456789ab", "Finance")


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    with SilentServer() as server:
        yield server


def cognito_event() -> dict[str, Any]:
    return load_event("cognito-post-confirmation.json")


def kept_items(dynamodb_endpoint: str, table: str) -> list[dict[str, Any]]:
    return aws.client("dynamodb", dynamodb_endpoint).query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": kept.PARTITION}},
        ConsistentRead=True,
    )["Items"]


def sign_up_with_the_queue_hanging(stack: Any, monkeypatch: pytest.MonkeyPatch, silent: SilentServer) -> Any:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", silent.url)
    stack.load()  # a cold container, its SQS client built against the silent endpoint
    event = cognito_event()
    started = time.monotonic()
    returned = stack.invoke(INTAKE, copy.deepcopy(event), timeout=COGNITO_TIMEOUT_S)
    return event, returned, time.monotonic() - started


def test_a_hanging_queue_does_not_fail_the_sign_up_and_the_registration_is_kept(
    registration_stack, monkeypatch, silent, dynamodb_endpoint, table, captured_logs, capsys
):
    stack = registration_stack()

    event, returned, elapsed = sign_up_with_the_queue_hanging(stack, monkeypatch, silent)

    assert returned == event  # Cognito gets its event back: the sign-up succeeds
    assert elapsed < COGNITO_TIMEOUT_S  # two 1 s reads, then the table: well inside Cognito's 5 s
    assert len(silent.connections) == 2  # two attempts at SQS, no more
    (item,) = kept_items(dynamodb_endpoint, table)
    registration = from_cognito_trigger(event)
    assert item["sk"]["S"] == registration.id
    assert item["message"]["S"] == registration.to_message()
    (warning,) = [r for r in captured_logs.records if r["level"] == "WARNING"]
    assert warning["registration"] == registration.id
    assert warning["source"] == "cognito"
    assert not [value for value in PERSONAL if value in captured_logs.text]
    (metrics,) = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert metrics["Kept"] == [1.0]
    assert "Accepted" not in metrics


def test_the_worker_moves_kept_registrations_to_the_queue_and_the_hook_runs_once(
    registration_stack, monkeypatch, silent, dynamodb_endpoint, table, slack
):
    stack = registration_stack()
    sign_up_with_the_queue_hanging(stack, monkeypatch, silent)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", stack.moto_endpoint)  # the queue is back
    stack.load()

    moved = stack.work(load_event("schedule-move-kept-registrations.json"))
    queued = stack.receive()
    stack.work(sqs_event(queued))
    again = stack.work(load_event("schedule-move-kept-registrations.json"))

    assert moved == {"moved": 1}
    assert len(queued) == 1
    assert slack.texts() == ["New User: jdoe (jdoe@example.com)"]
    assert kept_items(dynamodb_endpoint, table) == []
    assert again == {"moved": 0}


def test_kept_registrations_stay_kept_while_the_queue_is_still_down(
    registration_stack, monkeypatch, silent, dynamodb_endpoint, table
):
    stack = registration_stack()
    sign_up_with_the_queue_hanging(stack, monkeypatch, silent)

    moved = stack.work(load_event("schedule-move-kept-registrations.json"))

    assert moved == {"moved": 0}
    assert len(kept_items(dynamodb_endpoint, table)) == 1


def test_with_the_table_down_too_the_sign_up_still_succeeds_and_the_loss_is_logged_loudly(
    registration_stack, monkeypatch, silent, captured_logs
):
    stack = registration_stack()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", silent.url)

    event, returned, elapsed = sign_up_with_the_queue_hanging(stack, monkeypatch, silent)

    assert returned == event
    assert elapsed < COGNITO_TIMEOUT_S
    (critical,) = [r for r in captured_logs.records if r["level"] == "CRITICAL"]
    assert critical["registration"] == from_cognito_trigger(event).id
    assert critical["source"] == "cognito"
    assert "neither enqueued nor kept" in critical["message"]
    assert not [value for value in PERSONAL if value in captured_logs.text]


def test_a_trigger_that_is_not_a_sign_up_touches_neither_the_queue_nor_the_table(
    registration_stack, monkeypatch, silent, dynamodb_endpoint, table
):
    stack = registration_stack()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", silent.url)
    stack.load()
    event = cognito_event()
    event["triggerSource"] = "PostConfirmation_ConfirmForgotPassword"

    assert stack.invoke(INTAKE, copy.deepcopy(event), timeout=COGNITO_TIMEOUT_S) == event
    assert silent.connections == []
    assert kept_items(dynamodb_endpoint, table) == []
