"""Faults through the local gateway, over real sockets, with the functions in their worker processes.

A hook that raises, hangs, answers garbage or ends its runtime; bodies too large, too deep or not
UTF-8; DynamoDB Local stopped mid-run. Each gets the answer openapi.yaml documents for it (or API
Gateway's own, when the function itself dies), and the stack serves the next request. The stack serves the hostile
template (tests/hostile_fixtures/template.yaml): its own DynamoDB Local can be stopped without
disturbing the other tests' stack. The last test stops it, so it stays last in this file.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dahooks.validation import MAX_BODY_BYTES
from local.testing import KELLY, RunningStack, start_stack
from tests.hostile_fixtures.functions.faulty.hook import CRASH_SECRET
from tests.hostile_fixtures.openapi import schema_validator

if TYPE_CHECKING:
    from collections.abc import Iterator

HOSTILE_TEMPLATE = Path(__file__).parent.parent / "hostile_fixtures" / "template.yaml"
FAULTY = "/hooks/faulty"
CALLER = {"user": KELLY}


@pytest.fixture(scope="module")
def hostile_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    stack = start_stack(HOSTILE_TEMPLATE, tmp_path_factory.mktemp("hostile-stack"), "--quiet")
    yield stack
    stack.stop()


def faulty(stack: RunningStack, fault: str | None = None, raw: bytes | None = None) -> tuple[int, Any]:
    body = raw if raw is not None else {"request": CALLER, "payload": {"fault": fault}}
    response = stack.request("POST", FAULTY, body, token=stack.token("hooks:invoke"))
    return response.status, response.json()


def assert_error(body: dict[str, Any], code: str) -> None:
    assert body["error"] == code, body
    assert body["requestId"], body
    assert "Traceback" not in body["message"]
    assert schema_validator("Error").is_valid(body)


def assert_still_serving(stack: RunningStack) -> None:
    assert faulty(stack) == (200, {"settings": {"title": "ok"}})


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [("raise", 500, "HookFailed"), ("wrong-shape", 500, "HookFailed"), ("not-json", 500, "HookFailed"),
     ("nan", 500, "HookFailed"), ("hang", 504, "HookTimeout")],
)  # fmt: skip
def test_misbehaving_hook_gets_its_answer_and_the_stack_serves_the_next_request(hostile_stack, fault, status, code):
    answer_status, body = faulty(hostile_stack, fault)

    assert answer_status == status
    assert_error(body, code)
    assert CRASH_SECRET not in json.dumps(body)
    assert_still_serving(hostile_stack)


def test_hook_that_ends_its_runtime_gets_api_gateways_500_and_a_cold_start_serves_the_next(hostile_stack):
    status, body = faulty(hostile_stack, "exit")

    assert (status, body) == (500, {"message": "Internal Server Error"})
    assert_still_serving(hostile_stack)


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b'{"padding": "' + b"x" * (MAX_BODY_BYTES + 1 - len(b'{"padding": ""}')) + b'"}', 413, "PayloadTooLarge"),
        (b'{"payload": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", 400, "InvalidRequest"),
        (b'{"payload": {"name": "caf\xe9 \xff"}}', 400, "InvalidRequest"),
        (b"", 400, "InvalidRequest"),
        (b"[]", 400, "InvalidRequest"),
    ],
    ids=["1 MiB + 1 byte", "10,000 levels", "invalid UTF-8", "empty", "not an object"],
)
def test_hostile_body_gets_its_answer_and_the_stack_serves_the_next_request(hostile_stack, raw, status, code):
    answer_status, body = faulty(hostile_stack, raw=raw)

    assert answer_status == status
    assert_error(body, code)
    assert_still_serving(hostile_stack)


def _dynamodb_local_pid(stack: RunningStack) -> int:
    pid = int(stack.ready["dynamodb_pid"])
    assert pid in stack.descendants(), f"DynamoDB Local ({pid}) is not below the stack"
    return pid


def test_dynamodb_local_stopped_mid_run_is_503_and_the_stack_serves_the_next_request(hostile_stack):
    # GIVEN custom data written and read through the gateway (the function warm, its client connected)
    write = hostile_stack.token("custom-data:write")
    read = hostile_stack.token("custom-data:read")
    assert hostile_stack.request("PUT", "/custom-data", {"data": {"departments": ["IT"]}}, token=write).status == 200
    assert hostile_stack.request("GET", "/custom-data", token=read).json()["data"] == {"departments": ["IT"]}

    # WHEN DynamoDB Local dies
    pid = _dynamodb_local_pid(hostile_stack)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
        assert time.monotonic() < deadline, "DynamoDB Local did not stop"
        time.sleep(0.05)

    # THEN reads and writes answer 503 ServiceUnavailable, promptly and without a stack trace ...
    for method, body, token in [("GET", None, read), ("PUT", {"data": {"departments": []}}, write)]:
        started = time.monotonic()
        response = hostile_stack.request(method, "/custom-data", body, token=token)
        assert response.status == 503, response.body
        assert_error(response.json(), "ServiceUnavailable")
        assert time.monotonic() - started < 3, "a refused connection must end the call at once, not at its 10 s Timeout"

    # ... and the stack keeps serving what does not need DynamoDB
    assert_still_serving(hostile_stack)
