"""`make run`: the accept route enqueues to the local SQS and the stack delivers the queue to the worker.

The stack is started as `make run` starts it (python -m local.stack), with `.local/secrets.json`
seeding the hook's secret; a real HTTP receiver on 127.0.0.1 stands in for Slack.
"""

from __future__ import annotations

import json
import time

from local.paths import TEMPLATE
from local.testing import SlackReceiver, load_event, start_stack


def test_a_registration_posted_to_the_local_stack_reaches_the_receiver_once(tmp_path):
    with SlackReceiver(fail_first=1) as slack:
        # The stack's own secret: no fixed name in the template, so locally its logical id.
        (tmp_path / "secrets.json").write_text(json.dumps({"RegistrationSecret": {"SLACK_HOOK": slack.url}}))
        # A 2 s retry back-off, not the deployed minute: the test waits for the retry.
        stack = start_stack(TEMPLATE, tmp_path, "--quiet", "--parameter-overrides", "RegistrationRetryBaseSeconds=2")
        try:
            body = json.loads(load_event("post-user-registration-accepted.json")["body"])
            response = stack.request("POST", "/hooks/post-user-registration", body, token=stack.token("hooks:invoke"))
            deadline = time.monotonic() + 60
            while not slack.received and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stack.stop()

    assert response.status == 202
    assert response.json()["accepted"] is True
    assert slack.texts() == ["New User: user1 (user1@foo.com)"]
    assert slack.attempts == 2  # the first post failed and was retried
    logs = "".join(path.read_text(errors="replace") for path in (tmp_path / "logs").rglob("*") if path.is_file())
    assert "will be retried" in logs  # the worker's log, kept as CloudWatch would keep it
    assert slack.token not in logs
