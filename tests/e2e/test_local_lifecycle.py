"""Starting and stopping `make run`'s process tree: nothing left behind, the port freed, data kept."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

from local.banner import REFUSALS
from local.paths import EVENTS, ROOT, TEMPLATE
from local.template import Template
from local.testing import load_event, start_stack


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


def test_stopping_leaves_no_child_frees_the_port_and_a_restart_finds_the_custom_data(tmp_path: Path) -> None:
    # GIVEN a stack that wrote custom data
    first = start_stack(TEMPLATE, tmp_path / "state", "--quiet")
    try:
        children = first.descendants()
        kinds = {_command(pid) for pid in children}
        token = first.token("custom-data:read", "custom-data:write")
        written = first.request("PUT", "/custom-data", {"data": {"departments": ["IT", "Finance"]}}, token=token)
        assert written.status == 200, written.body
    finally:
        # WHEN it is stopped with SIGTERM (what Ctrl-C does too)
        first.stop()
    # THEN every process it started is gone and its port is free
    assert first.process.returncode == 0
    assert kinds >= {"java", "moto", "cognito", "worker"}  # DynamoDB Local, moto, Cognito and the workers ran
    assert all(not Path(f"/proc/{pid}").exists() for pid in children)
    assert _port_is_free(first.port)
    # AND a second run with the same state directory finds the data
    second = start_stack(TEMPLATE, tmp_path / "state", "--quiet")
    try:
        read = second.request("GET", "/custom-data", token=second.token("custom-data:read"))
        assert read.status == 200
        assert read.json()["data"] == {"departments": ["IT", "Finance"]}
    finally:
        second.stop()


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
