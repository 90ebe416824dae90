"""A hook's own logging never prints the secrets the worker gave it.

In Lambda the runtime puts a handler on the root logger before the function is imported; a hook's
`logging.getLogger(__name__)` and `logging.warning(...)` write through it, never through the
runtime's (Powertools) logger. Here a plain StreamHandler on the root logger stands in for the
runtime's; the worker's real handler runs a hook that logs its webhook URL every way stdlib logging
allows, against moto's Secrets Manager, DynamoDB Local and a receiver on 127.0.0.1.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import pytest

from local.testing import WORKER, sqs_event

if TYPE_CHECKING:
    from collections.abc import Iterator

HOOK = """
import logging

log = logging.getLogger("my_hook")


def hook(user, context):
    url = context["secrets"]["SLACK_HOOK"]
    log.warning("posting to %s", url)
    log.info("secrets: %s", context["secrets"])
    log.warning("extra", extra={"target": url})
    logging.warning("root logger: %s", url)
    try:
        raise RuntimeError(f"cannot reach {url}")
    except RuntimeError:
        log.exception("failed")
    logging.getLogger("my_hook.child").error("child logger %s", url.split("/services/")[1])
"""


@pytest.fixture
def runtime_handler() -> Iterator[io.StringIO]:
    """What Lambda's runtime installs on the root logger before the function's init."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(name)s %(message)s %(target)s", defaults={"target": ""}))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_a_hooks_own_loggers_never_print_the_webhook_url(registration_stack, slack, tmp_path, runtime_handler):
    stack = registration_stack()
    hook_file = tmp_path / "hook.py"
    hook_file.write_text(HOOK)
    stack.handlers[WORKER] = type(stack.handlers[WORKER])(hook_file)  # a cold container with that hook
    stack.accept({"user": {"id": "u-1", "username": "ana"}})

    response = stack.work(sqs_event(stack.receive()))

    output = runtime_handler.getvalue()
    assert response == {"batchItemFailures": []}
    assert output.count("[REDACTED]") >= 6  # every line was written, masked
    assert "Traceback" in output  # the exception is still there, masked
    assert slack.token not in output
    assert slack.url not in output
    assert "crm-key-4f9d2c7a1e" not in output  # the secret's other value


def test_a_handler_added_after_the_workers_start_is_masked_from_the_next_invocation(
    registration_stack, slack, tmp_path
):
    stack = registration_stack()
    hook_file = tmp_path / "hook.py"
    hook_file.write_text(HOOK)
    stack.handlers[WORKER] = type(stack.handlers[WORKER])(hook_file)
    late = io.StringIO()
    handler = logging.StreamHandler(late)
    logging.getLogger("my_hook").addHandler(handler)  # e.g. a hook configuring its own logging
    try:
        stack.accept({"user": {"id": "u-2", "username": "bo"}})
        stack.work(sqs_event(stack.receive()))
    finally:
        logging.getLogger("my_hook").removeHandler(handler)

    assert "posting to [REDACTED]" in late.getvalue()
    assert slack.token not in late.getvalue()
