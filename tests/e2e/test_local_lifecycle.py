"""Starting and stopping `make run`'s process tree: nothing left behind, the port freed, data kept."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from local.paths import ROOT, TEMPLATE
from local.template import Template
from local.testing import start_stack


def _command(pid: int) -> str:
    """What a child of the stack is: DynamoDB Local's "java", "moto", a function's "worker", or its command line."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    for marker, kind in (("java", "java"), ("local.moto_server", "moto"), ("local.function_process", "worker")):
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
    assert kinds >= {"java", "moto", "worker"}  # DynamoDB Local, moto and the workers were running
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
    """`make run` prints a ready curl line per route; each, run as printed, gets a 2xx from its function."""
    console = (local_stack.state_dir / "stack.out").read_text()
    lines = [line.strip() for line in console.splitlines() if line.strip().startswith("curl ")]

    assert len(lines) == len(Template().routes())
    for line in lines:
        completed = subprocess.run(
            ["bash", "-c", line + " -o /dev/null -w '%{http_code}'"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert completed.stdout.startswith("2"), (line, completed.stdout)
