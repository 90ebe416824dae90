"""Every events/ fixture answers as its name says, through its function's real handler, and the
answers are the ones openapi.yaml documents; `make invoke`'s invoker runs a fixture as sam would.

A fixture's name ends with what it proves: `-invalid` is a 400 InvalidRequest, `-refused` the
hook's refusal (403 from access, 400 elsewhere), `-forbidden` a 403 Forbidden (on a hook route: a
user's token, which those routes refuse), `-accepted` a 202, anything else a 200; the users
API's fixtures (`api-*`) also end in `-created` (201), `-done` (204), `-forbidden` (403 Forbidden: the
role lacks the permission), `-not-supported` (400 NotSupported) and `-invalid-search` (400
InvalidSearch), and there a refusal by the access or filter hook is 403, by the write hook 400. The
functions run in this process against the session's DynamoDB Local, a moto queue and secret, and the
demo directory on a Cognito emulator, as `make run` would point them; one fixture also goes through
the invoker itself (`python -m local.invoke`).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from local import aws
from local.environment import temporary_environment
from local.paths import EVENTS, ROOT
from local.template import Template
from local.testing import UserPool, WarmFunctions, load_event, starts_without_aws_sdk
from tests.hostile_fixtures.openapi import operations, response_validator

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

TEMPLATE = Template()
ROUTES = {route.route_key: route.function for route in TEMPLATE.routes()}
HTTP_EVENTS = sorted(path.name for path in EVENTS.glob("*.json") if load_event(path.name).get("routeKey") in ROUTES)
# The fixtures of the functions that start without the AWS SDK (the hooks, health): those whose
# every answer is documented with a body schema of its own.
HOOK_EVENTS = [
    name
    for name in HTTP_EVENTS
    if starts_without_aws_sdk(TEMPLATE, TEMPLATE.functions()[ROUTES[load_event(name)["routeKey"]]])
]
INVOKED_BY_THE_INVOKER = "custom-data-write-departments.json"


SUFFIXES = {
    "-invalid": (400, "InvalidRequest"),
    "-invalid-search": (400, "InvalidSearch"),
    "-forbidden": (403, "Forbidden"),
    "-not-supported": (400, "NotSupported"),
    "-accepted": (202, None),
    "-created": (201, None),
    "-done": (204, None),
}


def expected_status(name: str, route_key: str) -> tuple[int, str | None]:
    stem = name.removesuffix(".json")
    if stem.endswith("-refused"):
        by_access_or_filter = route_key == "POST /hooks/access" or (
            " /api/" in route_key and route_key != "POST /api/users"
        )
        return (403 if by_access_or_filter else 400), "HookError"
    for suffix, expected in SUFFIXES.items():
        if stem.endswith(suffix):
            return expected
    return 200, None


@pytest.fixture(scope="module")
def registration_queue(moto_endpoint: str) -> str:
    return aws.client("sqs", moto_endpoint).create_queue(QueueName="events-registrations")["QueueUrl"]


@pytest.fixture(scope="module")
def cursor_key_secret(moto_endpoint: str) -> str:
    """The users API's cursor key, as the stack would generate it."""
    client = aws.client("secretsmanager", moto_endpoint)
    return str(client.create_secret(Name="events-cursor-key", SecretString=secrets.token_urlsafe(48))["ARN"])


@pytest.fixture(scope="module")
def functions(
    dynamodb_endpoint: str, registration_queue: str, cursor_key_secret: str, user_pool: UserPool
) -> Iterator[WarmFunctions]:
    """The template's functions on the session's table, a fresh queue and the demo user pool, with
    their environment applied."""
    values = {
        "Table": os.environ["TABLE_NAME"],
        "RegistrationQueue": registration_queue,
        "CursorKeySecret": cursor_key_secret,
        "UserPoolId": user_pool.pool.pool_id,
        "DashboardClient": user_pool.pool.client_id,
    }
    warm = WarmFunctions(Template(values=values), set_environment=False)
    with temporary_environment({**warm.environment(), **aws.environment(cognito=user_pool.pool.endpoint)}):
        yield warm


def test_every_route_has_a_fixture():
    covered = {load_event(name)["routeKey"] for name in HTTP_EVENTS}

    assert covered == set(ROUTES)


@pytest.mark.parametrize("name", HTTP_EVENTS)
def test_fixture_gives_the_status_its_name_promises(name, functions, table, captured_logs):
    event = load_event(name)
    status, error = expected_status(name, event["routeKey"])

    response = functions.invoke(ROUTES[event["routeKey"]], event)

    assert response["statusCode"] == status, response
    body = json.loads(response["body"]) if response.get("body") else None
    if error:
        assert body["error"] == error
    if event["routeKey"].split(" ", 1)[1].startswith("/api/"):  # the users API's answers, as documented
        method, path = event["routeKey"].split(" ", 1)
        assert str(status) in operations()[(method, path)]["responses"]
        if body is not None:
            assert [e.message for e in response_validator(method, path, status).iter_errors(body)] == []
    for record in captured_logs.records:  # the function's log lines, each a JSON record
        assert record["service"] == "delegated-admin-hooks"


@pytest.mark.parametrize("name", HOOK_EVENTS)
def test_real_answer_to_every_hook_fixture_matches_the_document(name, invoke, table):
    event = load_event(name)
    method, path = event["routeKey"].split(" ", 1)

    status, body = invoke(ROUTES[event["routeKey"]], event)

    assert str(status) in operations()[(method, path)]["responses"]
    errors = [e.message for e in response_validator(method, path, status).iter_errors(body)]
    assert errors == []


@pytest.fixture
def env_vars(tmp_path: Path, registration_queue: str, dynamodb_endpoint: str, moto_endpoint: str) -> Path:
    """An `--env-vars` file pointing the functions at the session's local table and queue: without a
    running stack the invoker reaches no endpoint but those a file like this names."""
    path = tmp_path / "env.json"
    local = {"AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint, "AWS_ENDPOINT_URL_SQS": moto_endpoint}
    names = {"TABLE_NAME": os.environ["TABLE_NAME"], "REGISTRATION_QUEUE_URL": registration_queue}
    path.write_text(json.dumps({"Parameters": {**names, **local}}))
    return path


def test_the_invoker_runs_a_fixture_as_sam_local_invoke_does(env_vars, table):
    route_key = load_event(INVOKED_BY_THE_INVOKER)["routeKey"]

    completed = subprocess.run(
        [sys.executable, "-m", "local.invoke", ROUTES[route_key], f"events/{INVOKED_BY_THE_INVOKER}"]
        + ["--env-vars", str(env_vars)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    response = json.loads(completed.stdout)
    assert response["statusCode"] == expected_status(INVOKED_BY_THE_INVOKER, route_key)[0], response
    assert completed.stderr.strip(), "the function's log lines go to stderr"
    for line in completed.stderr.splitlines():  # the function's log lines, each a JSON record
        assert json.loads(line)["service"] == "delegated-admin-hooks"
