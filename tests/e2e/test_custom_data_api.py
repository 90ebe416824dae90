"""The /custom-data routes through the local stack: real sockets, real JWTs, each route its scope."""

from __future__ import annotations

import pytest

from dahooks.storage import Storage
from local import aws
from local.testing import SHARED_DYNAMODB_WORKERINPUT, table_prefix_of


def test_each_route_answers_with_its_scope_through_the_local_stack(local_stack):
    writer = local_stack.token("custom-data:write", sub="auth0|ian")
    reader = local_stack.token("custom-data:read")
    before = local_stack.request("GET", "/custom-data", token=reader).json()["version"]

    written = local_stack.request(
        "PUT", "/custom-data", {"data": {"departments": ["IT"]}}, token=writer, headers={"if-match": str(before)}
    )
    read = local_stack.request("GET", "/custom-data", token=reader)
    history = local_stack.request("GET", "/custom-data/history", token=reader)

    assert (written.status, written.json()) == (200, {"version": before + 1})
    assert read.status == 200
    assert read.json()["data"] == {"departments": ["IT"]}
    assert history.status == 200
    newest = history.json()["history"][0]
    assert (newest["version"], newest["who"]) == (before + 1, "auth0|ian")


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/custom-data", "custom-data:write"),
        ("GET", "/custom-data/history", "hooks:invoke"),
        ("PUT", "/custom-data", "custom-data:read"),
    ],
)
def test_a_token_without_the_routes_scope_is_403_through_the_local_stack(local_stack, method, path, scope):
    body = {"data": {"x": 1}} if method == "PUT" else None

    response = local_stack.request(method, path, body, token=local_stack.token(scope))

    assert (response.status, response.json()) == (403, {"message": "Forbidden"})


def test_no_token_is_401_through_the_local_stack(local_stack):
    response = local_stack.request("GET", "/custom-data")

    assert (response.status, response.json()) == (401, {"message": "Unauthorized"})


def test_the_stack_keeps_custom_data_in_a_table_of_its_own_on_the_runs_dynamodb_local(
    local_stack, shared_dynamodb, request
):
    # GIVEN the stack started on the run's DynamoDB Local (under xdist: the controller's, for every
    # worker) rather than one of its own
    if hasattr(request.config, "workerinput"):
        assert SHARED_DYNAMODB_WORKERINPUT in request.config.workerinput
    assert local_stack.ready["dynamodb"] == shared_dynamodb
    assert local_stack.ready["dynamodb_pid"] is None
    table = f"{table_prefix_of(str(local_stack.state_dir))}Table"
    writer = local_stack.token("custom-data:write")
    before = local_stack.request("GET", "/custom-data", token=local_stack.token("custom-data:read")).json()["data"]

    # WHEN custom data is written through the gateway
    marker = {"departments": [f"Written to {table}"]}
    assert local_stack.request("PUT", "/custom-data", {"data": marker}, token=writer).status == 200

    # THEN it is in the stack's own table on that DynamoDB Local
    client = aws.client("dynamodb", shared_dynamodb)
    assert table in client.list_tables()["TableNames"]
    assert Storage(table, client=client).read() == marker
    local_stack.request("PUT", "/custom-data", {"data": before}, token=writer)  # for the stack's other tests
