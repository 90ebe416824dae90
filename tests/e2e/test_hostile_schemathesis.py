"""Schemathesis against the running local stack, for every route of openapi.yaml.

Valid and invalid requests generated from the document (bounded per route), sent over real sockets
through the gateway and its JWT authorizer to the functions' worker processes: no answer may be a
5xx, and every answer must be one the document promises for that route — status, content type,
headers, and a body matching its schema (so every error is JSON with `error` and `message`, or
API Gateway's own `{"message": ...}`). Schemathesis's CLI runs it, as a user would run it.

The requests carry a machine token with every scope. The machine routes (hooks, custom data, health)
get all of Schemathesis's phases. The users API's routes take only a dashboard user's token, so a
machine token meets their authorizer's 401 whatever the request: they get the coverage phase, whose
boundary and invalid cases reach each route and each parameter once, and not the fuzzing and
stateful phases, which would only send more requests to the same refusal (the stateful phase's
links are all among those routes). Both runs go side by side.
"""

from __future__ import annotations

import subprocess
import sys
import time

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
USERS_API_AUTHORIZER = "DashboardUserAuthorizer"
USERS_API_PREFIX = "/api/"


def test_generated_requests_to_every_route_get_documented_answers_and_no_5xx(local_stack, tmp_path):
    routes = Template().routes()
    users_api = [route for route in routes if route.authorizer == USERS_API_AUTHORIZER]
    assert users_api, f"no route uses {USERS_API_AUTHORIZER}"
    assert all(route.path.startswith(USERS_API_PREFIX) for route in users_api)
    assert not any(route.path.startswith(USERS_API_PREFIX) for route in routes if route not in users_api)
    scopes = sorted({scope for route in routes for scope in route.scopes})
    token = local_stack.token(*scopes)
    before = local_stack.request("GET", "/custom-data", token=token).json()["data"]

    common = [sys.executable, "-m", "schemathesis.cli", "run", str(OPENAPI), "--url", local_stack.url]
    common += ["--header", f"Authorization: Bearer {token}", "--checks", ",".join(CHECKS)]
    common += ["--max-examples", str(MAX_EXAMPLES_PER_ROUTE), "--mode", "all", "--seed", str(SEED)]
    common += ["--workers", "1", "--generation-database", "none", "--request-timeout", "30", "--no-color"]
    common += ["--suppress-health-check", "all"]
    runs = {
        "machine routes": common + ["--exclude-path-regex", f"^{USERS_API_PREFIX}"],
        "users API routes": common + ["--include-path-regex", f"^{USERS_API_PREFIX}", "--phases", "coverage"],
    }
    # schemathesis keeps a .schemathesis/ cache in its working directory: one each, which holds its
    # output too (a file, not a pipe, which a long report would fill)
    workdirs = {name: tmp_path / name.replace(" ", "-") for name in runs}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in runs.items():
            workdirs[name].mkdir()
            with (workdirs[name] / "out.txt").open("wb") as output:
                processes[name] = subprocess.Popen(  # noqa: S603 - our own interpreter running schemathesis
                    command, cwd=workdirs[name], stdout=output, stderr=subprocess.STDOUT
                )
        deadline = time.monotonic() + 600
        for process in processes.values():
            process.wait(timeout=max(deadline - time.monotonic(), 0))
    finally:
        for process in processes.values():
            process.kill()
            process.wait()
    outputs = {name: (workdir / "out.txt").read_text(errors="replace") for name, workdir in workdirs.items()}

    # The run wrote generated custom data to the session's shared stack: put back what was there. And
    # it queued generated registrations, which the worker would deliver for minutes (at its interval,
    # and again after each failure) ahead of the next test's own: empty the queues.
    local_stack.request("PUT", "/custom-data", {"data": before}, token=token)
    sqs = aws.client("sqs", local_stack.ready["moto"])
    for queue in ("RegistrationQueue", "RegistrationDeadLetterQueue"):
        sqs.purge_queue(QueueUrl=local_stack.ready["values"][queue])
    for name, output in outputs.items():
        assert processes[name].returncode == 0, f"{name}:\n{output[-8000:]}"
    assert f"Selected: {len(routes) - len(users_api)}/{len(routes)}" in outputs["machine routes"]
    assert f"Selected: {len(users_api)}/{len(routes)}" in outputs["users API routes"]
