"""Fixtures for every tier. The tiers: tests/unit (this interpreter only: no process, no socket, no
Java), tests/functional (DynamoDB Local, moto and subprocesses, started by tests/functional/conftest.py),
tests/e2e (the local stack of `make run` over HTTP, started by tests/e2e/conftest.py).

The reusable pieces live in local/testing.py; the fixtures here and in each tier's conftest.py call
into it.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local import aws
from local.environment import temporary_environment
from local.template import Template
from local.testing import WarmFunctions

Invoke = Callable[..., tuple[int, Any]]
E2E = "tests/e2e/"


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist (`make test` runs two workers), unit and functional tests go to whichever
    worker is free, and the whole e2e tier to one worker, in order: its tests share the stacks
    they start (one per session, or per module), which would otherwise start once per worker."""
    if config.getvalue("dist") != "load":
        return None  # another --dist was asked for
    from xdist.scheduler import LoadScopeScheduling

    class TierScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return E2E if nodeid.startswith(E2E) else nodeid

    return TierScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def local_aws_account() -> Iterator[None]:
    """Dummy credentials and the local region for the whole session: whatever the developer's shell
    holds, no test (nor a process it starts) can reach a real AWS account or look for one."""
    with temporary_environment(aws.environment()):
        yield


@pytest.fixture(scope="session")
def template() -> Template:
    return Template()


@pytest.fixture(scope="session")
def warm_functions(template: Template) -> WarmFunctions:
    return WarmFunctions(template)


@pytest.fixture
def invoke(warm_functions: WarmFunctions) -> Invoke:
    """invoke("AccessFunction", event) -> (status, parsed body), through the function's real handler."""

    def _invoke(logical_id: str, event: dict[str, Any], *, timeout: float | None = None) -> tuple[int, Any]:
        response = warm_functions.invoke(logical_id, event, timeout=timeout)
        return response["statusCode"], json.loads(response["body"])

    return _invoke


class CapturedLogs:
    """The records written while the fixture is active, formatted (and redacted) as in production."""

    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        return self._stream.getvalue()

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def messages(self) -> list[str]:
        return [record["message"] for record in self.records]


@pytest.fixture
def captured_logs() -> Iterator[CapturedLogs]:
    """What the runtime logs, as the JSON lines CloudWatch would receive."""
    from dahooks.logs import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(handler)  # the production handler and formatter, a second stream
    try:
        yield CapturedLogs(stream)
    finally:
        logger._logger.removeHandler(handler)
