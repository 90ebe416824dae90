"""The local stack of `make run`, started as a real process tree (`python -m local.stack`) on a free
port with a temporary state directory, once per session (per xdist worker) and stopped with SIGTERM.

The stacks share the run's DynamoDB Local (`shared_dynamodb`), each with tables of its own.
`local_stack` serves template.yaml; `registration_stack` serves it too, its registration worker
posting to a stand-in Slack; `lambda_stack` serves tests/local_fixtures/template.yaml, whose
functions sleep, crash, keep state and echo on request, with tests/local_fixtures/secrets.json
seeding its secret. Other stacks (a test's own template or state) are started by the test itself
with `local.testing.start_stack`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from local.paths import TEMPLATE
from local.testing import RunningStack, SlackReceiver, seed_registration_secret, start_stack

if TYPE_CHECKING:
    from collections.abc import Iterator

LOCAL_FIXTURES = Path(__file__).parent.parent / "local_fixtures"


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory, shared_dynamodb: str) -> Iterator[RunningStack]:
    """template.yaml's API, served as `make run` serves it."""
    stack = start_stack(TEMPLATE, tmp_path_factory.mktemp("local-stack"), "--quiet", dynamodb_endpoint=shared_dynamodb)
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def registration_stack(
    tmp_path_factory: pytest.TempPathFactory, shared_dynamodb: str
) -> Iterator[tuple[RunningStack, SlackReceiver]]:
    """template.yaml's API whose registration worker posts to a stand-in Slack, with a 2 s retry
    back-off rather than the deployed minute (a test waits for a retry). Apart from `local_stack`:
    the schemathesis run there sends registrations of its own, and these tests count what arrives."""
    state_dir = tmp_path_factory.mktemp("registration-stack")
    with SlackReceiver() as slack:
        seed_registration_secret(state_dir, slack.url)
        stack = start_stack(
            TEMPLATE,
            state_dir,
            "--quiet",
            "--parameter-overrides",
            "RegistrationRetryBaseSeconds=2",
            dynamodb_endpoint=shared_dynamodb,
        )
        try:
            yield stack, slack
        finally:
            stack.stop()


@pytest.fixture(scope="session")
def lambda_stack(tmp_path_factory: pytest.TempPathFactory, shared_dynamodb: str) -> Iterator[RunningStack]:
    """The test template's functions (sleep, crash, state, echo), served as `make run` serves them."""
    state_dir = tmp_path_factory.mktemp("lambda-stack")
    shutil.copyfile(LOCAL_FIXTURES / "secrets.json", state_dir / "secrets.json")
    stack = start_stack(LOCAL_FIXTURES / "template.yaml", state_dir, "--quiet", dynamodb_endpoint=shared_dynamodb)
    yield stack
    stack.stop()
