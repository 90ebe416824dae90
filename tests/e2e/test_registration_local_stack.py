"""`make run`: the accept route enqueues to the local SQS and the stack delivers the queue to the worker.

The stack is started as `make run` starts it (python -m local.stack), with `.local/secrets.json`
seeding the hook's secret; a real HTTP receiver on 127.0.0.1 stands in for Slack (`registration_stack`).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from local.testing import load_event

if TYPE_CHECKING:
    from local.testing import RunningStack, SlackReceiver


def test_a_registration_posted_to_the_local_stack_reaches_the_receiver_once(
    registration_stack: tuple[RunningStack, SlackReceiver],
) -> None:
    stack, slack = registration_stack
    before, attempts_before = len(slack.received), slack.attempts
    slack.fail_next(1)
    body = json.loads(load_event("post-user-registration-accepted.json")["body"])

    response = stack.request("POST", "/hooks/post-user-registration", body, token=stack.token("hooks:invoke"))
    deadline = time.monotonic() + 60
    while len(slack.received) == before and time.monotonic() < deadline:
        time.sleep(0.1)

    assert response.status == 202
    assert response.json()["accepted"] is True
    assert slack.texts()[before:] == ["New User: user1 (user1@foo.com)"]
    assert slack.attempts - attempts_before == 2  # the first post failed and was retried (2 s later)
    logs = "".join(path.read_text(errors="replace") for path in (stack.state_dir / "logs").rglob("*") if path.is_file())
    assert "will be retried" in logs  # the worker's log, kept as CloudWatch would keep it
    assert slack.token not in logs
