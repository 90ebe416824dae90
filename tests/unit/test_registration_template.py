"""What template.yaml gives the registration functions, rendered as SAM reads it: the worker's
concurrency and delivery rate, and the table partitions each function may touch."""

from __future__ import annotations

from typing import Any

from dahooks.registration import idempotency, kept, settings
from local.template import Template

INTAKE = "PostUserRegistrationFunction"
WORKER = "RegistrationWorkerFunction"
SLACK_WEBHOOK_PER_SECOND = 1.0  # what a Slack incoming webhook takes, short bursts aside


def dynamodb_statements(template: Template, function: str) -> list[dict[str, Any]]:
    policies = template.resolve(template.resources[function]["Properties"]["Policies"])
    return [
        statement
        for policy in policies
        if isinstance(policy, dict) and "Statement" in policy
        for statement in policy["Statement"]
        if any(str(action).startswith("dynamodb:") for action in statement["Action"])
    ]


def leading_keys(statement: dict[str, Any]) -> list[str]:
    return statement["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"]


def test_the_worker_runs_two_at_once_and_delivers_at_most_one_registration_a_second():
    template = Template()
    worker = template.functions()[WORKER]
    (mapping,) = [m for m in template.sqs_mappings() if m.function == WORKER]
    interval = float(worker.environment[settings.DELIVERY_INTERVAL])

    assert mapping.maximum_concurrency == 2  # the least Lambda's SQS event source allows
    assert worker.reserved_concurrency == mapping.maximum_concurrency  # never throttled below it
    assert mapping.maximum_concurrency / interval <= SLACK_WEBHOOK_PER_SECOND


def test_an_account_without_concurrency_to_reserve_can_deploy_without_reserving():
    template = Template(values={"RegistrationReserveConcurrency": "false"})

    assert template.functions()[WORKER].reserved_concurrency is None
    assert [m.maximum_concurrency for m in template.sqs_mappings() if m.function == WORKER] == [2]


def test_the_accept_function_may_only_write_kept_registrations():
    (statement,) = dynamodb_statements(Template(), INTAKE)

    assert statement["Action"] == ["dynamodb:PutItem"]
    assert leading_keys(statement) == [kept.PARTITION]


def test_the_worker_may_touch_only_its_idempotency_records_and_the_kept_registrations():
    statements = {tuple(leading_keys(s)): sorted(s["Action"]) for s in dynamodb_statements(Template(), WORKER)}

    assert statements == {
        (idempotency.PARTITION,): [
            "dynamodb:DeleteItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
        ],
        (kept.PARTITION,): ["dynamodb:DeleteItem", "dynamodb:Query"],
    }


def test_kept_registrations_are_moved_by_a_scheduled_invocation_of_the_worker():
    events = Template().functions()[WORKER].events

    assert [event["Properties"]["Schedule"] for event in events.values() if event["Type"] == "Schedule"] == [
        "rate(5 minutes)"
    ]
