"""Secrets scan: a recognisable password, token and webhook URL sent end to end through the local
stack, on success and error paths, must appear in no log file the stack keeps (the counterpart of
CloudWatch) and in no response body that is not meant to carry them: passwords, tokens and secrets
never reach a log line.

Only the write hook's answer may carry the password (it is the user sent to the Management API),
and only `GET /custom-data` the webhook URL stored there.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from local.testing import KELLY, Response, RunningStack

if TYPE_CHECKING:
    from pathlib import Path

CANARY = uuid.uuid4().hex[:12]
PASSWORD = f"Canary-Passw0rd-{CANARY}"
WEBHOOK_URL = f"https://hooks.slack.com/services/TCANARY/BCANARY/{CANARY}"
BOGUS_TOKEN = f"canary-token-{CANARY}"
CALLER = {**KELLY, "email": "kelly@example.com"}
WORKER_LOG_WAIT_S = 20.0


@dataclass
class Scan:
    """Every request of the scan with its response and the secrets that response may carry."""

    token: str
    exchanges: list[tuple[str, Response, set[str]]] = field(default_factory=list)

    def response(self, name: str) -> Response:
        return next(response for sent, response, _ in self.exchanges if sent == name)


@pytest.fixture(scope="module")
def scan(local_stack: RunningStack) -> Scan:
    stack = local_stack
    hooks = stack.token("hooks:invoke", jti=f"token-canary-{CANARY}")
    done = Scan(hooks)
    reader, writer = stack.token("custom-data:read"), stack.token("custom-data:write")
    secret_user = {**CALLER, "password": PASSWORD, "user_metadata": {"slack_hook_url": WEBHOOK_URL}}
    create = {"email": "new@example.com", "password": PASSWORD, "connection": "db", "memberships": ["Finance"]}

    def send(name: str, method: str, path: str, body: Any, may_carry: set[str] | None = None, **kwargs: Any) -> None:
        done.exchanges.append((name, stack.request(method, path, body, **kwargs), may_carry or set()))

    before = stack.request("GET", "/custom-data", token=reader).json()
    send("write create", "POST", "/hooks/write", {"method": "create", "request": {"user": CALLER}, "payload": create},
         {PASSWORD}, token=hooks)  # fmt: skip
    send("write update", "POST", "/hooks/write",
         {"method": "update", "request": {"user": CALLER, "originalUser": secret_user},
          "payload": {**create, "password": f"{PASSWORD}-new"}}, {PASSWORD}, token=hooks)  # fmt: skip
    send("write refused", "POST", "/hooks/write",
         {"method": "create", "request": {"user": secret_user}, "payload": {**create, "memberships": ["HR"]}},
         token=hooks)  # fmt: skip
    send(
        "write invalid email",
        "POST",
        "/hooks/write",
        {"method": "create", "request": {"user": CALLER}, "payload": {**create, "email": 42}},
        token=hooks,
    )
    send("write invalid password", "POST", "/hooks/write",
         {"method": "create", "request": {"user": CALLER}, "payload": {**create, "password": {"value": PASSWORD}}},
         token=hooks)  # fmt: skip
    for name, action in [("access", "read:user"), ("access refused", "delete:user")]:
        body = {"request": {"user": secret_user}, "payload": {"action": action, "user": secret_user}}
        send(name, "POST", "/hooks/access", body, token=hooks)
    for hook in ("filter", "memberships", "settings", "custom-domain"):
        send(hook, "POST", f"/hooks/{hook}", {"request": {"user": secret_user}, "payload": secret_user}, token=hooks)
    send("bogus token", "POST", "/hooks/access", {}, headers={"authorization": f"Bearer {BOGUS_TOKEN}"})
    send("registration", "POST", "/hooks/post-user-registration",
         {"user": {"id": "auth0|new-user", "email": "new@example.com", "user_metadata": {"password": PASSWORD},
                   "app_metadata": {"slack_hook_url": WEBHOOK_URL}}}, token=hooks)  # fmt: skip
    send("registration invalid", "POST", "/hooks/post-user-registration",
         {"user": {"email": 7, "password": PASSWORD}, "context": {"secrets": {"SLACK_HOOK": WEBHOOK_URL}}},
         token=hooks)  # fmt: skip
    send(
        "custom data write",
        "PUT",
        "/custom-data",
        {"data": {**before["data"], "webhookUrl": WEBHOOK_URL, "adminPassword": PASSWORD}},
        token=writer,
    )
    send("custom data read", "GET", "/custom-data", None, {WEBHOOK_URL, PASSWORD}, token=reader)
    send("custom data history", "GET", "/custom-data/history", None, token=reader)
    # Leave the shared stack's custom data as it was.
    stack.request("PUT", "/custom-data", {"data": before["data"]}, token=writer)
    _wait_for_the_worker(stack, done.response("registration").json()["id"])
    return done


def _wait_for_the_worker(stack: RunningStack, registration_id: str) -> None:
    """The registration runs later, on the worker: give it the time to log what it logs."""
    worker_log = stack.state_dir / "logs" / "RegistrationWorkerFunction.log"
    deadline = time.monotonic() + WORKER_LOG_WAIT_S
    while time.monotonic() < deadline:
        if worker_log.exists() and registration_id in worker_log.read_text(errors="replace"):
            return
        time.sleep(0.2)


def _log_files(stack: RunningStack) -> list[Path]:
    """Every file under the stack's logs directory, and its console output (what `make run` prints)."""
    return [path for path in (stack.state_dir / "logs").rglob("*") if path.is_file()] + [stack.state_dir / "stack.out"]


def test_the_scan_sent_what_it_meant_to(scan):
    statuses = {name: response.status for name, response, _ in scan.exchanges}

    assert statuses["write create"] == 200
    assert statuses["write refused"] == 400
    assert statuses["write invalid email"] == 400
    assert statuses["access refused"] == 403
    assert statuses["bogus token"] == 401
    assert statuses["registration"] == 202
    assert statuses["custom data read"] == 200
    assert PASSWORD in scan.response("write create").body.decode()


def test_no_secret_in_any_log_file_of_the_stack(local_stack, scan):
    token = scan.token
    secrets = {"password": PASSWORD, "webhook URL": WEBHOOK_URL, "bogus token": BOGUS_TOKEN}
    secrets |= {"token signature": token.rsplit(".", 1)[1], "token claims": token.split(".")[1]}
    files = _log_files(local_stack)
    assert any(path.stat().st_size for path in files), "the scan needs logs to look at"

    leaks = [
        f"{label} in {path.name}"
        for path in files
        for label, secret in secrets.items()
        if secret in path.read_text(errors="replace")
    ]

    assert leaks == []


@pytest.mark.parametrize("secret", [PASSWORD, WEBHOOK_URL, BOGUS_TOKEN], ids=["password", "webhook", "token"])
def test_no_secret_in_a_response_not_meant_to_carry_it(scan, secret):
    leaks = [
        name
        for name, response, may_carry in scan.exchanges
        if secret in response.body.decode(errors="replace") and not any(secret in allowed for allowed in may_carry)
    ]

    assert leaks == []
