"""Every events/ fixture, run through the template-driven invoker (`make invoke`), answers as its name says.

A fixture's name ends with what it proves: `-invalid` is a 400 InvalidRequest, `-refused` the
hook's refusal (403 from access, 400 elsewhere), `-accepted` a 202, anything else a 200. The
invoker runs against the session's DynamoDB Local and a moto queue, as `make run` would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from local.paths import ROOT
from local.template import Template

if TYPE_CHECKING:
    from pathlib import Path

ROUTES = {route.route_key: route.function for route in Template().routes()}
HTTP_EVENTS = sorted(
    path.name for path in (ROOT / "events").glob("*.json") if json.loads(path.read_text()).get("routeKey") in ROUTES
)


def expected_status(name: str, route_key: str) -> tuple[int, str | None]:
    stem = name.removesuffix(".json")
    if stem.endswith("-invalid"):
        return 400, "InvalidRequest"
    if stem.endswith("-refused"):
        return (403 if route_key == "POST /hooks/access" else 400), "HookError"
    if stem.endswith("-accepted"):
        return 202, None
    return 200, None


@pytest.fixture(scope="module")
def env_vars(tmp_path_factory, dynamodb_endpoint, registration_moto) -> Path:
    """An `--env-vars` file pointing the functions at the session's local table and a fresh queue."""
    import boto3

    sqs = boto3.client("sqs", endpoint_url=registration_moto)
    queue_url = sqs.create_queue(QueueName="invoker-registrations")["QueueUrl"]
    path = tmp_path_factory.mktemp("invoke") / "env.json"
    path.write_text(
        json.dumps({"Parameters": {"TABLE_NAME": os.environ["TABLE_NAME"], "REGISTRATION_QUEUE_URL": queue_url}})
    )
    return path


def test_every_route_has_a_fixture():
    covered = {json.loads((ROOT / "events" / name).read_text())["routeKey"] for name in HTTP_EVENTS}

    assert covered == set(ROUTES)


@pytest.mark.parametrize("name", HTTP_EVENTS)
def test_fixture_through_the_invoker_gives_the_status_its_name_promises(name, env_vars):
    route_key = json.loads((ROOT / "events" / name).read_text())["routeKey"]
    status, error = expected_status(name, route_key)

    completed = subprocess.run(
        [sys.executable, "-m", "local.invoke", ROUTES[route_key], f"events/{name}", "--env-vars", str(env_vars)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    response = json.loads(completed.stdout)
    assert response["statusCode"] == status, response
    body = json.loads(response["body"])
    if error:
        assert body["error"] == error
    for line in completed.stderr.splitlines():  # the function's log lines, each a JSON record
        assert json.loads(line)["service"] == "delegated-admin-hooks"


def test_invoker_reaches_the_running_local_stack(local_stack):
    """While `make run` is up, `make invoke` uses its DynamoDB Local: it reads what the API wrote."""
    import urllib.request

    token = local_stack.issuer.mint(["custom-data:write"])
    data = {"departments": ["IT", "Legal", "Payroll"], "written_by": "test_invoker_reaches_the_running_local_stack"}
    request = urllib.request.Request(
        f"{local_stack.url}/custom-data",
        data=json.dumps({"data": data}).encode(),
        method="PUT",
        headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200

    completed = subprocess.run(
        [sys.executable, "-m", "local.invoke", "CustomDataFunction", "events/custom-data-read.json"]
        + ["--stack", str(local_stack.state_dir / "ready.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    response = json.loads(completed.stdout)
    assert json.loads(response["body"])["data"] == data
