"""When DynamoDB fails: throttling and dropped connections are retried; what still fails is a 503, never a trace."""

from __future__ import annotations

import json
import socket
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError

from dahooks import HookFunction
from dahooks.exceptions import ServiceUnavailableError, StorageAccessDeniedError
from dahooks.storage import HookFailure, Storage
from dahooks.storage.api import CustomDataApi
from local.dynamodb_local import DynamoDBLocal, create_tables
from local.lambda_runtime import context_for
from local.template import Template
from local.testing import hook_path, http_event

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

IT_CALLER = {"request": {"user": {"user_id": "auth0|ian", "app_metadata": {"department": "IT"}}}}


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body


def dynamodb_error(code: str, status: int = 400) -> AWSResponse:
    """A DynamoDB error answer as it comes over the wire."""
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": code}).encode()
    return AWSResponse("http://dynamodb", status, {"content-type": "application/x-amz-json-1.0"}, _Body(body))


def inject(storage: Storage, operation: str, answers: Callable[[int], Any]) -> list[int]:
    """Before each `operation` request is sent, `answers(n)` may answer it (or raise) instead of DynamoDB."""
    return inject_into(storage.client(), operation, answers)


def inject_into(client: Any, operation: str, answers: Callable[[int], Any]) -> list[int]:
    """`inject` on one DynamoDB client: the numbers of the requests sent."""
    sent: list[int] = []

    def before_send(request: Any, **kwargs: Any) -> Any:
        sent.append(len(sent) + 1)
        return answers(len(sent))

    client.meta.events.register(f"before-send.dynamodb.{operation}", before_send)
    return sent


def lambda_context(template: Template, logical_id: str) -> Any:
    return context_for(template.functions()[logical_id])


@pytest.fixture(scope="module")
def stopped_endpoint() -> Iterator[str]:
    """An endpoint where DynamoDB Local has stopped: a loopback port held bound but not listening,
    so that every connection to it is refused (and no other process can take the port meanwhile)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


@pytest.fixture
def stopped_dynamodb(stopped_endpoint: str, template: Template, monkeypatch: pytest.MonkeyPatch) -> str:
    """boto3 pointed at the stopped DynamoDB Local, for this test only, and the table the template names."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", stopped_endpoint)
    monkeypatch.setenv("TABLE_NAME", template.functions()["CustomDataFunction"].environment["TABLE_NAME"])
    return stopped_endpoint


@pytest.mark.parametrize(
    ("route_key", "body"),
    [("GET /custom-data", None), ("PUT /custom-data", {"data": {"x": 1}}), ("GET /custom-data/history", None)],
)
def test_a_stopped_dynamodb_local_gives_503_from_the_custom_data_api(stopped_dynamodb, template, route_key, body):
    api = CustomDataApi()  # a fresh container, reading the environment as deployed

    response = api(http_event(route_key, body), lambda_context(template, "CustomDataFunction"))

    assert response["statusCode"] == 503
    answer = json.loads(response["body"])
    assert answer == {
        "error": "ServiceUnavailable",
        "message": "the custom data store is unavailable; try again later",
        "requestId": "test-request",
    }


def test_a_stopped_dynamodb_local_gives_503_from_a_hook_that_reads_custom_data(stopped_dynamodb, template):
    memberships = HookFunction("memberships", hook_path("memberships"))
    context = lambda_context(template, "MembershipsFunction")

    response = memberships(http_event("POST /hooks/memberships", IT_CALLER), context)

    assert response["statusCode"] == 503
    assert json.loads(response["body"])["error"] == "ServiceUnavailable"


def test_a_warm_container_whose_dynamodb_stops_answers_503_not_its_old_copy(template, monkeypatch):
    server = DynamoDBLocal()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.start())
    try:
        monkeypatch.setenv("TABLE_NAME", create_tables(Template(), server.endpoint)["Table"])
        api = CustomDataApi()
        context = lambda_context(template, "CustomDataFunction")
        assert api(http_event("PUT /custom-data", {"data": {"x": 1}}), context)["statusCode"] == 200
    finally:
        server.stop()

    response = api(http_event("GET /custom-data", None), context)

    assert response["statusCode"] == 503


def test_throttling_is_retried_by_botocore_until_dynamodb_answers(table):
    storage = Storage(table)
    storage.write({"n": 1})
    sent = inject(storage, "GetItem", lambda n: dynamodb_error("ThrottlingException") if n <= 2 else None)

    assert storage.read() == {"n": 1}
    assert sent == [1, 2, 3]


def test_a_dropped_connection_is_retried(table):
    storage = Storage(table)
    storage.write({"n": 1})

    def drop_first(n: int) -> None:
        if n == 1:
            raise ConnectionClosedError(endpoint_url="http://dynamodb")

    sent = inject(storage, "GetItem", drop_first)

    assert storage.read() == {"n": 1}
    assert sent == [1, 2]


def test_throttling_that_outlasts_the_retries_is_a_503_and_nothing_is_written(table, monkeypatch, template):
    monkeypatch.setenv("DYNAMODB_MAX_ATTEMPTS", "2")
    storage = Storage(table)
    storage.write({"n": 1})
    sent = inject(storage, "TransactWriteItems", lambda n: dynamodb_error("ProvisionedThroughputExceededException"))
    api = CustomDataApi(storage_factory=lambda: storage)

    response = api(http_event("PUT /custom-data", {"data": {"n": 2}}), lambda_context(template, "CustomDataFunction"))

    assert response["statusCode"] == 503
    assert json.loads(response["body"])["error"] == "ServiceUnavailable"
    assert sent == [1, 2]
    assert Storage(table).snapshot().data == {"n": 1}
    assert [entry["version"] for entry in Storage(table).history()] == [1]


def test_a_role_without_write_permission_is_a_clear_500_not_a_503(table):
    storage = Storage(table)
    inject(storage, "PutItem", lambda n: dynamodb_error("AccessDeniedException"))

    with pytest.raises(StorageAccessDeniedError, match="not allowed to write the cache"):
        storage.cache.set("k", 1, ttl_seconds=60)


def test_service_unavailable_is_the_503_of_the_contract():
    assert (ServiceUnavailableError.status, ServiceUnavailableError.code) == (503, "ServiceUnavailable")


def test_a_hooks_failure_is_recorded_in_one_attempt_so_the_answer_is_never_delayed(table):
    storage = Storage(table)
    failure = HookFailure("access", "HookTimeout", "The access hook timed out.", "late", "req-1", "test")
    sent = inject_into(storage.best_effort_client(), "PutItem", lambda n: dynamodb_error("ThrottlingException"))

    assert storage.hook_errors.record(failure) is False
    assert sent == [1]
    assert storage.hook_errors.recent("access") == []
