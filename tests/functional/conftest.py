"""The real components the functional tests run against, each set up once per session (per xdist
worker): template.yaml's tables, on the run's DynamoDB Local (`shared_dynamodb`), and moto's server
for SQS, Secrets Manager and SSM (and for the directory tests' Cognito user pools).

Their fixtures point boto3 at them through the environment (endpoints, dummy credentials), so the
functions run exactly as deployed, without a test-only branch, and a process a test starts (the
invoker) inherits the same endpoints. A test asks for what it uses: `table` (emptied for it),
`dynamodb_endpoint`, `moto_endpoint`, `registration_stack`, `user_pool` (a Cognito emulator of its own
with the demo directory, for the users API).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest

from local import aws
from local.environment import Environment
from local.template import Template
from local.testing import (
    RegistrationStack,
    SlackReceiver,
    UserPool,
    WarmFunctions,
    demo_user_pool,
    local_dynamodb,
    local_moto,
    table_prefix_of,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session")
def dynamodb_endpoint(shared_dynamodb: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The endpoint of the run's DynamoDB Local, with the template's tables created for this process
    (an xdist worker, or the one process of a run without workers)."""
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    with local_dynamodb(shared_dynamodb, table_prefix_of(f"functional-{worker}")) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def warm_functions(dynamodb_endpoint: str) -> WarmFunctions:
    """The template's handlers, as the root conftest's, with `!Ref Table` this worker's table: a
    handler's environment is put into os.environ when it is loaded, TABLE_NAME included."""
    return WarmFunctions(Template(values={"Table": os.environ["TABLE_NAME"]}))


@pytest.fixture
def table(dynamodb_endpoint: str) -> str:
    """The table's name, emptied before the test: every test starts without custom data or cache."""
    name = os.environ["TABLE_NAME"]
    _empty(aws.client("dynamodb", dynamodb_endpoint), name)
    return name


def _empty(client: Any, name: str) -> None:
    for page in client.get_paginator("scan").paginate(TableName=name, ProjectionExpression="pk, sk"):
        keys = [{"pk": item["pk"], "sk": item["sk"]} for item in page.get("Items", [])]
        for start in range(0, len(keys), 25):  # BatchWriteItem's limit
            batch = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]
            pending: dict[str, Any] = {name: batch}
            while pending:
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The session's moto server (SQS, Secrets Manager, SSM; the directory tests' user pools), with
    boto3 pointed at it."""
    with local_moto() as endpoint:
        yield endpoint


@pytest.fixture
def slack() -> Iterator[SlackReceiver]:
    with SlackReceiver() as receiver:
        yield receiver


@pytest.fixture
def registration_stack(moto_endpoint: str, table: str, slack: SlackReceiver) -> Iterator[Any]:
    """make(**options) -> a loaded RegistrationStack whose secret holds the receiver's URL."""
    environment = Environment()

    def make(**options: Any) -> RegistrationStack:
        secrets = options.pop("secrets", {"SLACK_HOOK": slack.url, "CRM_API_KEY": "crm-key-4f9d2c7a1e"})
        stack = RegistrationStack(moto_endpoint, table, secrets, **options)
        environment.set(stack.environment)
        stack.load()
        return stack

    try:
        yield make
    finally:
        environment.restore()


@pytest.fixture(scope="session")
def user_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UserPool]:
    """The demo directory (`make run`'s) on a Cognito emulator of the session's own."""
    with demo_user_pool(tmp_path_factory.mktemp("cognito")) as pool:
        yield pool
