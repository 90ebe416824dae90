"""Lambda fidelity of the local stack, over real sockets, with the test template's functions
(tests/local_fixtures/): timeouts, crashes, warm module state, events, environment and logs."""

from __future__ import annotations

import http.client
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from local.testing import table_prefix_of

if TYPE_CHECKING:
    from local.testing import RunningStack

INTERNAL_ERROR = {"message": "Internal Server Error"}


@pytest.fixture
def writer(lambda_stack: RunningStack) -> str:
    return lambda_stack.token("tests:write")


@pytest.fixture
def reader(lambda_stack: RunningStack) -> str:
    return lambda_stack.token("tests:read")


def _state(stack: RunningStack, token: str, path: str = "/state") -> dict:
    response = stack.request("GET", path, token=token)
    assert response.status == 200
    return response.json()


def _log(stack: RunningStack, function: str) -> str:
    return (stack.state_dir / "logs" / f"{function}.log").read_text()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_function_past_its_timeout_is_ended_with_api_gateways_500_and_the_next_request_works(
    lambda_stack: RunningStack, writer: str, reader: str
) -> None:
    # GIVEN a warm worker
    before = _state(lambda_stack, reader)
    # WHEN an invocation runs past the function's Timeout (2 s)
    response = lambda_stack.request("POST", "/act/sleep", {"seconds": 30}, token=writer)
    # THEN API Gateway's 500, the worker was ended, the log says why
    assert (response.status, response.json()) == (500, INTERNAL_ERROR)
    assert not _alive(before["pid"])
    assert "Task timed out after 2." in _log(lambda_stack, "BehaviourFunction")
    # AND the next request is served (by a fresh worker: a cold start, its state starts again)
    after = _state(lambda_stack, reader)
    assert after["pid"] != before["pid"]
    assert after["count"] == 1


def test_a_worker_that_crashes_is_replaced_by_a_cold_start(
    lambda_stack: RunningStack, writer: str, reader: str
) -> None:
    before = _state(lambda_stack, reader)
    response = lambda_stack.request("POST", "/act/exit", {}, token=writer)
    assert (response.status, response.json()) == (500, INTERNAL_ERROR)
    assert "Runtime exited with error: exit status 3" in _log(lambda_stack, "BehaviourFunction")
    assert not _alive(before["pid"])
    after = _state(lambda_stack, reader)
    assert after["pid"] != before["pid"]
    assert after["count"] == 1
    assert after["started"] > before["started"]


def test_an_unhandled_exception_is_a_500_and_the_worker_stays_warm(
    lambda_stack: RunningStack, writer: str, reader: str
) -> None:
    before = _state(lambda_stack, reader)
    response = lambda_stack.request("POST", "/act/raise", {}, token=writer)
    assert (response.status, response.json()) == (500, INTERNAL_ERROR)
    assert "[ERROR] RuntimeError: the test asked for an exception" in _log(lambda_stack, "BehaviourFunction")
    after = _state(lambda_stack, reader)
    assert (after["pid"], after["count"]) == (before["pid"], before["count"] + 1)


def test_a_response_api_gateway_cannot_use_is_a_500(lambda_stack: RunningStack, writer: str) -> None:
    response = lambda_stack.request("POST", "/act/malformed", {}, token=writer)
    assert (response.status, response.json()) == (500, INTERNAL_ERROR)


def test_a_result_without_status_code_is_sent_as_a_json_200(lambda_stack: RunningStack, writer: str) -> None:
    response = lambda_stack.request("POST", "/act/plain", {}, token=writer)
    assert (response.status, response.json()) == (200, {"plain": True})
    assert response.headers["content-type"] == "application/json"


def test_module_state_survives_between_requests_to_a_warm_worker(lambda_stack: RunningStack, reader: str) -> None:
    first = _state(lambda_stack, reader)
    second = _state(lambda_stack, reader)
    assert second["pid"] == first["pid"]
    assert second["count"] == first["count"] + 1


def test_module_state_is_not_shared_between_functions(lambda_stack: RunningStack, reader: str) -> None:
    behaviour = _state(lambda_stack, reader)
    _state(lambda_stack, reader)
    other = _state(lambda_stack, reader, "/other/state")
    # the layer module both import counts "behaviour" in one process and "other" in the other
    assert other["pid"] != behaviour["pid"]
    assert other["seen"] == ["other"]


def test_concurrent_requests_to_one_function_run_in_parallel_workers(lambda_stack: RunningStack, writer: str) -> None:
    def sleep_once(_: int) -> dict:
        connection = http.client.HTTPConnection("127.0.0.1", lambda_stack.port, timeout=30)
        try:
            headers = {"authorization": f"Bearer {writer}", "content-type": "application/json"}
            connection.request("POST", "/act/sleep", body=json.dumps({"seconds": 0.5}), headers=headers)
            return json.loads(connection.getresponse().read())
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(sleep_once, range(2)))
    # two workers at once: the template's ReservedConcurrentExecutions is 2
    assert len({answer["pid"] for answer in answers}) == 2


def test_the_event_is_a_complete_http_api_v2_event_with_the_authorizer_claims(
    lambda_stack: RunningStack, writer: str
) -> None:
    token = lambda_stack.token("tests:write", app_metadata={"department": "Finance"}, groups=["a", "b"])
    response = lambda_stack.request(
        "POST", "/act/echo?x=1&x=2&y=z", {"hello": "world"}, token=token, headers={"cookie": "c1=v1; c2=v2"}
    )
    assert response.status == 200
    event = response.json()["event"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /act/{action}"
    assert event["rawPath"] == "/act/echo"
    assert event["rawQueryString"] == "x=1&x=2&y=z"
    assert event["queryStringParameters"] == {"x": "1,2", "y": "z"}
    assert event["pathParameters"] == {"action": "echo"}
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert json.loads(event["body"]) == {"hello": "world"}
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["requestId"] == response.headers["apigw-requestid"]
    assert context["routeKey"] == "POST /act/{action}"
    assert context["stage"] == "$default"
    assert abs(context["timeEpoch"] / 1000 - time.time()) < 60
    assert context["http"]["method"] == "POST"
    assert context["http"]["path"] == "/act/echo"
    assert context["http"]["sourceIp"] == "127.0.0.1"
    jwt_context = context["authorizer"]["jwt"]
    assert jwt_context["scopes"] == ["tests:write"]
    # as API Gateway hands claims over: every value a string
    assert jwt_context["claims"]["app_metadata"] == "map[department:Finance]"
    assert jwt_context["claims"]["groups"] == "[a b]"
    assert jwt_context["claims"]["iss"] == lambda_stack.issuer.issuer
    assert isinstance(jwt_context["claims"]["exp"], str)


def test_an_open_route_has_no_authorizer_in_its_event(lambda_stack: RunningStack) -> None:
    response = lambda_stack.request("GET", "/open")
    assert response.status == 200


def test_the_environment_resolves_refs_to_local_resources_and_hides_real_credentials(
    lambda_stack: RunningStack, writer: str
) -> None:
    answer = lambda_stack.request("POST", "/act/echo", {}, token=writer).json()
    environ = answer["environ"]
    # The table's local name: its logical id, after the prefix of this stack's tables on the shared DynamoDB Local.
    assert environ["TABLE_NAME"] == f"{table_prefix_of(str(lambda_stack.state_dir))}Table"
    assert environ["QUEUE_URL"].startswith(lambda_stack.ready["moto"])
    assert environ["QUEUE_ARN"].endswith(":Queue")
    assert environ["SECRET_ID"].startswith("arn:aws:secretsmanager:")
    assert environ["AWS_ENDPOINT_URL_DYNAMODB"] == lambda_stack.ready["dynamodb"]
    assert environ["AWS_ENDPOINT_URL_SQS"] == lambda_stack.ready["moto"]
    assert environ["AWS_LAMBDA_FUNCTION_NAME"] == "BehaviourFunction"
    assert environ["AWS_ACCESS_KEY_ID"] == "local"
    assert "AWS_PROFILE" not in environ
    assert "AWS_SESSION_TOKEN" not in environ
    assert 0 < answer["remaining_ms"] <= 2000


def test_functions_reach_the_local_queue_secret_and_table_with_no_code_branch(
    lambda_stack: RunningStack, writer: str
) -> None:
    response = lambda_stack.request("POST", "/act/aws", {}, token=writer)
    assert response.status == 200, response.body
    answer = response.json()
    assert answer["redrive"]["deadLetterTargetArn"].endswith(":DeadLetterQueue")
    assert int(answer["redrive"]["maxReceiveCount"]) == 3
    seeded = json.loads((Path(__file__).parent.parent / "local_fixtures" / "secrets.json").read_text())
    assert answer["secret"] == seeded["local-tests/secret"]  # from the state directory's secrets.json
    assert lambda_stack.ready["values"]["Table"] in answer["tables"]


def test_each_function_logs_to_its_own_file_with_lambdas_request_lines(lambda_stack: RunningStack, reader: str) -> None:
    _state(lambda_stack, reader, "/other/state")
    log = _log(lambda_stack, "OtherFunction")
    assert "START RequestId:" in log
    assert "REPORT RequestId:" in log
    assert "BehaviourFunction" not in log
