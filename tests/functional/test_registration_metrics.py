"""The registration pipeline's metrics, from the real accept and worker handlers on moto's queues:
each invocation writes one EMF line of what it did (accepted; delivered, retried, dead-lettered)."""

from __future__ import annotations

import json
from typing import Any

from dahooks.metrics import ACCEPTED, DEAD_LETTERED, DELIVERED, RETRIED
from local.testing import load_event, sqs_event


def emf_records(output: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [record for record in records if "_aws" in record]


def counted(record: dict[str, Any]) -> dict[str, float]:
    names = [metric["Name"] for metric in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
    return {name: record[name][0] for name in names}


def new_user_body(number: int) -> dict[str, Any]:
    body = json.loads(load_event("post-user-registration-accepted.json")["body"])
    body["user"].update(id=f"user-{number}", username=f"user{number}", email=f"user{number}@foo.com")
    return body


def test_registrations_are_counted_as_accepted_delivered_retried_then_dead_lettered(registration_stack, slack, capsys):
    stack = registration_stack(max_receive_count=2)
    stack.accept(new_user_body(1))
    stack.accept(new_user_body(2))
    accepted = emf_records(capsys.readouterr().out)
    slack.fail_first = 1  # the first post fails: that registration comes back
    first = stack.work(sqs_event(stack.receive()))
    first_batch = emf_records(capsys.readouterr().out)
    slack.always_fail = True  # and fails its second, last, attempt
    last = stack.work(sqs_event(stack.receive()))
    last_batch = emf_records(capsys.readouterr().out)

    assert [counted(record) for record in accepted] == [{ACCEPTED: 1.0}] * 2
    assert {record["hook_type"] for record in accepted + first_batch + last_batch} == {"post-user-registration"}
    assert [counted(record) for record in first_batch] == [{DELIVERED: 1.0, RETRIED: 1.0}]
    assert [counted(record) for record in last_batch] == [{DEAD_LETTERED: 1.0}]
    assert len(first["batchItemFailures"]) == len(last["batchItemFailures"]) == 1
    assert len(slack.texts()) == 1
