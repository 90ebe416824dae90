"""Registration ids bound to their origin, and replays checked against what ran.

The accept function's and the worker's real handlers, moto's SQS, idempotency records in DynamoDB
Local, the Slack sample posting to a receiver on 127.0.0.1.
"""

from __future__ import annotations

import json

from dahooks.registration.queue import RegistrationQueue
from local.testing import ACCEPT_ROUTE, INTAKE, WORKER, http_event, load_event, machine_claims, sqs_event

VICTIM_CALLER = machine_claims("real-client")
ATTACKER_CALLER = machine_claims("other-client")


def new_user_body() -> dict:
    return json.loads(load_event("post-user-registration-accepted.json")["body"])


def accept_as(stack, body: dict, claims: dict) -> str:
    response = stack.invoke(INTAKE, http_event(ACCEPT_ROUTE, body, claims=claims))
    assert response["statusCode"] == 202, response
    return json.loads(response["body"])["id"]


def test_another_caller_cannot_pre_claim_a_users_registration(registration_stack, slack):
    stack = registration_stack()
    forged = new_user_body()
    forged["user"]["username"] = "not-really-user1"
    forged_id = accept_as(stack, forged, ATTACKER_CALLER)  # first, with the real user's tenant and id
    stack.work(sqs_event(stack.receive()))

    real_id = accept_as(stack, new_user_body(), VICTIM_CALLER)
    response = stack.work(sqs_event(stack.receive()))

    assert forged_id != real_id
    assert response == {"batchItemFailures": []}
    assert slack.texts() == ["New User: not-really-user1 (user1@foo.com)", "New User: user1 (user1@foo.com)"]


def test_a_caller_retrying_its_post_still_posts_once(registration_stack, slack):
    stack = registration_stack()
    first = accept_as(stack, new_user_body(), VICTIM_CALLER)
    second = accept_as(stack, new_user_body(), VICTIM_CALLER)

    response = stack.work(sqs_event(stack.receive()))

    assert first == second
    assert response == {"batchItemFailures": []}
    assert slack.texts() == ["New User: user1 (user1@foo.com)"]


def test_other_content_under_an_id_that_ran_is_set_aside_in_the_dead_letter_queue_not_run(
    registration_stack, slack, captured_logs
):
    stack = registration_stack()
    accept_as(stack, new_user_body(), VICTIM_CALLER)
    stack.work(sqs_event(stack.receive()))
    changed = new_user_body()
    changed["user"]["email"] = "someone-else@foo.com"  # same caller, connection, tenant and user id
    accept_as(stack, changed, VICTIM_CALLER)
    (conflicting,) = stack.receive()

    response = stack.work(sqs_event([conflicting]))

    assert response == {"batchItemFailures": []}  # handled: not retried, not taken for a copy either
    assert slack.texts() == ["New User: user1 (user1@foo.com)"]
    (dead,) = stack.receive(stack.dead_letter_url)
    assert dead["Body"] == conflicting["Body"]
    assert dead["MessageAttributes"]["reason"]["StringValue"] == "content-conflict"
    (error,) = [r for r in captured_logs.records if r["level"] == "ERROR"]
    assert "other content" in error["message"]
    assert error["registration"] == json.loads(conflicting["Body"])["id"]
    assert "someone-else@foo.com" not in captured_logs.text


def test_a_conflict_the_dead_letter_queue_cannot_take_is_retried_later(registration_stack, slack):
    stack = registration_stack()
    accept_as(stack, new_user_body(), VICTIM_CALLER)
    stack.work(sqs_event(stack.receive()))
    changed = new_user_body()
    changed["user"]["email"] = "someone-else@foo.com"
    accept_as(stack, changed, VICTIM_CALLER)
    event = sqs_event(stack.receive())
    stack.handlers[WORKER].dead_letters = RegistrationQueue(stack.queue_url + "-missing")  # SQS refuses the send

    response = stack.work(event)

    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert slack.texts() == ["New User: user1 (user1@foo.com)"]
