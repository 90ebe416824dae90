"""Schemathesis against the running local stack, for every route of openapi.yaml.

Valid and invalid requests generated from the document (bounded per route), sent over real sockets
through the gateway and its JWT authorizer to the functions' worker processes: no answer may be a
5xx, and every answer must be one the document promises for that route — status, content type,
headers, and a body matching its schema (so every error is JSON with `error` and `message`, or
API Gateway's own `{"message": ...}`). Schemathesis's CLI runs it, as a user would run it.
"""

from __future__ import annotations

import subprocess
import sys

from local import aws
from local.template import Template
from tests.hostile_fixtures.openapi import OPENAPI

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
MAX_EXAMPLES_PER_ROUTE = 25
SEED = 6  # reproducible in CI; change it locally to explore


def test_generated_requests_to_every_route_get_documented_answers_and_no_5xx(local_stack, tmp_path):
    scopes = sorted({scope for route in Template().routes() for scope in route.scopes})
    token = local_stack.token(*scopes)
    before = local_stack.request("GET", "/custom-data", token=token).json()["data"]

    completed = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", str(OPENAPI), "--url", local_stack.url]
        + ["--header", f"Authorization: Bearer {token}", "--checks", ",".join(CHECKS)]
        + ["--max-examples", str(MAX_EXAMPLES_PER_ROUTE), "--mode", "all", "--seed", str(SEED)]
        + ["--workers", "1", "--generation-database", "none", "--request-timeout", "30", "--no-color"]
        + ["--suppress-health-check", "all"],
        cwd=tmp_path,  # schemathesis keeps a .schemathesis/ cache in its working directory
        capture_output=True,
        text=True,
        timeout=600,
    )

    # The run wrote generated custom data to the session's shared stack: put back what was there. And
    # it queued generated registrations, which the worker would deliver for minutes (at its interval,
    # and again after each failure) ahead of the next test's own: empty the queues.
    local_stack.request("PUT", "/custom-data", {"data": before}, token=token)
    sqs = aws.client("sqs", local_stack.ready["moto"])
    for queue in ("RegistrationQueue", "RegistrationDeadLetterQueue"):
        sqs.purge_queue(QueueUrl=local_stack.ready["values"][queue])
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
    assert f"{len(Template().routes())} selected" in completed.stdout
