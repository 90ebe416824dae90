"""Starting and stopping `make run`'s process tree: nothing left behind, the port freed, data kept.

What survives a restart is proved on one stack that is stopped and started again (`restart`): its
custom data, and its user pool as if it had never stopped (what the users API created and changed,
every attribute, `sub`, date, status and group, and the tokens issued before).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from local import stack
from local.banner import REFUSALS
from local.moto_server import MotoServer
from local.paths import EVENTS, ROOT, TEMPLATE
from local.template import Template
from local.testing import UserPool, children_of, eventually, load_event, start_stack

if TYPE_CHECKING:
    from collections.abc import Iterator

    from local.testing import Response, RunningStack

PASSWORD = "Kept-password-1"  # noqa: S105 - a test user's, in a pool that lives for the test


def _command(pid: int) -> str:
    """What a child of the stack is: DynamoDB Local's "java", "moto", the Cognito emulator's "cognito", a
    function's "worker", or its command line."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    markers = (
        ("java", "java"),
        ("local.moto_server", "moto"),
        ("local.cognito_emulator", "cognito"),
        ("local.function_process", "worker"),
    )
    for marker, kind in markers:
        if marker.encode() in command:
            return kind
    return command.decode(errors="replace")


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class Restart:
    """A stack that changed its user pool through the users API and wrote custom data, was stopped
    with SIGTERM (what Ctrl-C does too), and started again on the same state directory."""

    first: RunningStack
    kinds_before_requests: set[str]  # what the first stack ran below it once ready, before any request
    kinds: set[str]  # what the first stack ran below it
    left_behind: list[int]  # its processes still alive once it had stopped
    port_was_freed: bool
    changes: dict[str, Response]  # what the first stack answered
    pool_before: dict[str, Any]
    kelly: str  # kelly's token from the first stack's pool
    second: RunningStack


@pytest.fixture(scope="module")
def restart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Restart]:
    state = tmp_path_factory.mktemp("restart") / "state"
    # The workers started lazily: those of the functions called below are all this needs.
    first = start_stack(TEMPLATE, state, "--quiet", warm_containers="LAZY")
    try:
        kinds_before_requests = {_command(pid) for pid in first.descendants()}
        pool = UserPool.of_stack(first.state_dir)
        kelly = pool.token("kelly")
        body = {"email": "kept.hire@example.com", "password": PASSWORD, "repeatPassword": PASSWORD}
        moved = {"email": "finance-04.kept@example.com", "email_verified": True}
        changes = {
            "create": first.request("POST", "/api/users", {**body, "memberships": ["Finance"]}, token=kelly),
            "block": first.request("PUT", "/api/users/finance-03/block", token=kelly),
            "change email": first.request("PUT", "/api/users/finance-04/change-email", moved, token=kelly),
        }
        pool_before = pool.snapshot()
        token = first.token("custom-data:read", "custom-data:write")
        data = {"data": {"departments": ["IT", "Finance"]}}
        changes["custom data"] = first.request("PUT", "/custom-data", data, token=token)
        children = first.descendants()
        kinds = {_command(pid) for pid in children}
    finally:
        first.stop()
    left_behind = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    port_was_freed = _port_is_free(first.port)
    second = start_stack(TEMPLATE, state, "--quiet", warm_containers="LAZY")
    try:
        yield Restart(
            first, kinds_before_requests, kinds, left_behind, port_was_freed, changes, pool_before, kelly, second
        )
    finally:
        second.stop()


def test_stopping_leaves_no_child_frees_the_port_and_a_restart_finds_the_custom_data(restart: Restart) -> None:
    assert restart.changes["custom data"].status == 200, restart.changes["custom data"].body
    # Stopped with SIGTERM, every process it started is gone and its port is free
    assert restart.first.process.returncode == 0
    assert restart.kinds >= {"java", "moto", "cognito", "worker"}  # DynamoDB Local, moto, Cognito and the workers ran
    # (started with --warm-containers LAZY: a function's worker started at its first request)
    assert "worker" not in restart.kinds_before_requests
    assert restart.left_behind == []
    assert restart.port_was_freed
    # AND the second run with the same state directory finds the data
    read = restart.second.request("GET", "/custom-data", token=restart.second.token("custom-data:read"))
    assert read.status == 200
    assert read.json()["data"] == {"departments": ["IT", "Finance"]}


def test_the_directory_and_its_tokens_survive_a_restart(restart: Restart) -> None:
    # GIVEN a stack whose users API created, changed and blocked users before it stopped
    assert [restart.changes[name].status for name in ("create", "block", "change email")] == [201, 204, 200]

    # WHEN the stack has started again on the same state directory
    second, kelly = restart.second, restart.kelly
    after = UserPool.of_stack(second.state_dir).snapshot()
    listed = second.request("GET", '/api/users?search=email:"kept.hire@example.com"', token=kelly)
    blocked = second.request("GET", "/api/users/finance-03", token=kelly)

    # THEN the pool is the same, down to every sub and date, and kelly's token from before still works
    assert after == restart.pool_before
    assert len(restart.pool_before["users"]) == 36  # the 35 demo users and the one created
    assert [user["user_id"] for user in listed.json()["users"]] == ["kept.hire@example.com"]
    assert blocked.json()["user"]["blocked"] is True


def test_the_stack_refuses_to_listen_on_a_non_loopback_address(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "local.stack", "--host", "0.0.0.0", "--state-dir", str(tmp_path)],  # noqa: S104
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert "refusing to listen on 0.0.0.0" in completed.stderr
    assert not (tmp_path / "dynamodb").exists()  # it refused before starting anything


def test_a_server_that_never_gets_ready_leaves_none_of_the_others_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a moto server whose child exits at once, never printing its ready line, while DynamoDB
    # Local and the Cognito emulator, launched side by side with it, are running. The stack runs in
    # this process, so what it starts are this process's own children (the session's stacks, started
    # before, have workers of their own that may come and go meanwhile: grandchildren, not counted).
    before = children_of(os.getpid())
    running_when_it_failed: set[str] = set()

    class MotoThatNeverStarts(MotoServer):
        module = "local.no_such_server"

        def wait_ready(self) -> str:
            running_when_it_failed.update(_command(pid) for pid in children_of(os.getpid()) - before)
            return super().wait_ready()

    monkeypatch.setattr(stack, "MotoServer", MotoThatNeverStarts)

    # WHEN the stack starts
    with pytest.raises(RuntimeError, match="moto server did not start"):
        stack.main(["--template", str(TEMPLATE), "--port", "0", "--quiet", "--state-dir", str(tmp_path)])

    # THEN it fails, and every process it had started is gone
    assert {"java", "cognito"} <= running_when_it_failed
    assert children_of(os.getpid()) - before == set()


def test_every_printed_curl_line_of_the_real_template_is_answered_by_its_function(local_stack) -> None:
    """`make run` prints a ready curl line per route; each, run as printed, gets a 2xx from its function,
    or, for a route whose every fixture is a refusal (no sample hook lets anyone delete a user), the
    function's own refusal."""
    console = (local_stack.state_dir / "stack.out").read_text()
    routes = Template().routes()
    succeeding = [fixture.name for fixture in EVENTS.glob("*.json") if not fixture.stem.endswith(REFUSALS)]
    refused_only = {route.route_key for route in routes} - {load_event(name).get("routeKey") for name in succeeding}
    lines = _curl_lines(console)
    # One line per route, and the banner's closing example of the users API.
    assert sorted(key for key in lines if key) == sorted(route.route_key for route in routes)
    for route_key, line in lines.items():
        completed = subprocess.run(
            ["bash", "-c", line + " -w '\\n%{http_code}'"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        body, _, status = completed.stdout.rpartition("\n")
        if route_key in refused_only:
            assert status.startswith("4"), (line, completed.stdout)
            assert "requestId" in json.loads(body), (line, completed.stdout)
        else:
            assert status.startswith("2"), (line, completed.stdout)


def _curl_lines(console: str) -> dict[str, str]:
    """Each printed curl line by the route key of the line above it ("" for one under no route)."""
    found: dict[str, str] = {}
    route_key = ""
    for line in console.splitlines():
        heading = re.match(r"\s{2}(GET|POST|PUT|PATCH|DELETE)\s+(\S+)\s", line)
        if heading:
            route_key = f"{heading[1]} {heading[2]}"
        elif line.strip().startswith("curl "):
            found[route_key] = line.strip()
            route_key = ""
    return found


def test_the_printed_token_line_gets_a_machine_token(local_stack) -> None:
    console = (local_stack.state_dir / "stack.out").read_text()
    (line,) = [
        line.strip() for line in console.splitlines() if line.strip().startswith("curl ") and "/oauth/token" in line
    ]

    completed = subprocess.run(["bash", "-c", line], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)

    token = json.loads(completed.stdout)["access_token"]
    assert local_stack.request("GET", "/custom-data", token=token).status == 200


def test_each_invocation_logs_a_trace_root_of_its_own_as_lambda_sets_one(local_stack) -> None:
    body = json.loads(load_event("access-read-user-own-department.json")["body"])
    token = local_stack.token("hooks:invoke")
    request_ids = []
    for _ in range(2):
        response = local_stack.request("POST", "/hooks/access", body, token=token)
        assert response.status == 200
        request_ids.append(response.headers["apigw-requestid"])

    # The function's log is written beside its answer, not before it: wait for these two requests' lines.
    log = local_stack.state_dir / "logs" / "AccessFunction.log"
    found: dict[str, str] = {}

    def both_logged() -> bool:
        for line in log.read_text().splitlines():
            record = json.loads(line) if '"Verifying access:' in line else {}
            if record.get("correlation_id") in request_ids:
                found[record["correlation_id"]] = record.get("xray_trace_id")
        return len(found) == 2

    eventually(both_logged, timeout=10)
    roots = [found.get(request_id) for request_id in request_ids]
    assert None not in roots, (request_ids, found)
    assert all(re.fullmatch(r"1-[0-9a-f]{8}-[0-9a-f]{24}", root) for root in roots), roots
    assert roots[0] != roots[1]
