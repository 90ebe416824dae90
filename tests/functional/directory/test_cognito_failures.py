"""Throttling, half-done creates, and what moto does not implement.

moto never throttles, so throttling is injected: at the HTTP layer (a `before-send` handler answers
Cognito's 400 `TooManyRequestsException` in place of the server), where botocore's own retries and
back-off run as they would against Cognito; and with botocore's Stubber for the outcome after the
retries. The Stubber also stands in for AdminListDevices, which moto does not implement (it
answers 500). A create whose group assignment fails runs against moto with the fault injected into
the client the adapter is given.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from dahooks.directory import CognitoDirectory, CognitoSettings
from dahooks.exceptions import ServiceUnavailableError
from dahooks.search import restrict
from local.environment import temporary_environment
from local.testing import FaultyClient

from .conftest import CREDENTIALS, PASSWORD, REGION, CognitoRig

if TYPE_CHECKING:
    from collections.abc import Iterator

THROTTLED = "TooManyRequestsException"


def throttled_directory(rig: CognitoRig, attempts: int) -> tuple[CognitoDirectory, Stubber]:
    settings = CognitoSettings(rig.pool_id, max_attempts=attempts)
    client = rig.client(settings)
    return rig.directory_with(client=client, max_attempts=attempts), Stubber(client)


class Throttle:
    """Answers the first `times` requests with Cognito's throttling error, before they leave the client."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.throttled = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        if self.left <= 0:
            return None
        self.left -= 1
        self.throttled += 1
        body = json.dumps({"__type": THROTTLED, "message": "Rate exceeded"}).encode()
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _Raw(body))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def test_throttling_is_retried_with_back_off(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance")
    settings = CognitoSettings(rig.pool_id, max_attempts=3)
    client = rig.client(settings)
    throttle = Throttle(times=2)
    client.meta.events.register("before-send.cognito-idp.AdminGetUser", throttle)
    assert rig.directory_with(client=client, max_attempts=3).get_user("kelly")["user_id"] == "kelly"
    assert throttle.throttled == 2  # two refusals, then the third attempt reached moto


def test_throttling_on_every_attempt_is_a_503(rig: CognitoRig) -> None:
    settings = CognitoSettings(rig.pool_id, max_attempts=2)
    client = rig.client(settings)
    throttle = Throttle(times=10)
    client.meta.events.register("before-send.cognito-idp.AdminGetUser", throttle)
    with pytest.raises(ServiceUnavailableError, match="try again"):
        rig.directory_with(client=client, max_attempts=2).get_user("kelly")
    assert throttle.throttled == 2


def test_a_throttled_search_is_a_503(rig: CognitoRig) -> None:
    directory, stubber = throttled_directory(rig, attempts=1)
    stubber.add_client_error("list_users_in_group", THROTTLED, http_status_code=400)
    with stubber, pytest.raises(ServiceUnavailableError):
        directory.search_users(restrict(None, 'app_metadata.department:"Finance"'))


def test_an_unreachable_directory_is_a_503(rig: CognitoRig) -> None:
    settings = CognitoSettings(rig.pool_id, max_attempts=1, connect_timeout=0.5)
    client = rig.client(settings)
    client.meta.events.register("before-send.cognito-idp.*", _refuse_connection)
    with pytest.raises(ServiceUnavailableError):
        rig.directory_with(client=client, max_attempts=1).get_user("kelly")


def _refuse_connection(**_: Any) -> None:
    from botocore.exceptions import EndpointConnectionError

    raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")


PAYLOAD = {
    "username": "new-hire",
    "email": "new-hire@example.com",
    "password": PASSWORD,
    "app_metadata": {"department": "Finance"},
}


def test_a_create_whose_group_assignment_fails_leaves_no_user(rig: CognitoRig, captured_logs: Any) -> None:
    client = FaultyClient(rig.client(rig.directory.settings), {"admin_add_user_to_group", "create_group"})
    with pytest.raises(ServiceUnavailableError):
        rig.directory_with(client=client).create_user(PAYLOAD)
    assert not rig.exists("new-hire")
    assert "a create failed half-way; the new user was deleted again" in captured_logs.messages()
    assert PASSWORD not in captured_logs.text


def test_a_create_that_cannot_be_undone_says_so_loudly(rig: CognitoRig, captured_logs: Any) -> None:
    client = FaultyClient(
        rig.client(rig.directory.settings), {"admin_add_user_to_group", "create_group", "admin_delete_user"}
    )
    with pytest.raises(ServiceUnavailableError):
        rig.directory_with(client=client).create_user(PAYLOAD)
    orphan = [record for record in captured_logs.records if record["message"].startswith("ORPHAN USER")]
    assert len(orphan) == 1
    assert (orphan[0]["level"], orphan[0]["username"], orphan[0]["user_pool_id"]) == ("ERROR", "new-hire", rig.pool_id)
    assert PASSWORD not in captured_logs.text


def test_a_create_whose_password_is_refused_leaves_no_user(rig: CognitoRig) -> None:
    client = FaultyClient(rig.client(rig.directory.settings), {"admin_set_user_password"})
    with pytest.raises(ServiceUnavailableError):
        rig.directory_with(client=client).create_user(PAYLOAD)
    assert not rig.exists("new-hire")


def test_devices_are_listed_in_pages_of_60_at_most(rig: CognitoRig) -> None:
    client = rig.client(rig.directory.settings)
    stubber = Stubber(client)
    when = datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC)
    device = {
        "DeviceKey": "us-east-1_device",
        "DeviceAttributes": [{"Name": "device_name", "Value": "Kelly's phone"}],
        "DeviceCreateDate": when,
        "DeviceLastModifiedDate": when,
        "DeviceLastAuthenticatedDate": when,
    }
    expected = {"UserPoolId": rig.pool_id, "Username": "kelly", "Limit": 60}
    stubber.add_response("admin_list_devices", {"Devices": [device], "PaginationToken": "next"}, expected)
    stubber.add_response("admin_list_devices", {"Devices": [device]}, {**expected, "PaginationToken": "next"})
    with stubber:
        devices = rig.directory_with(client=client).list_devices("kelly")
    assert devices == 2 * [
        {
            "id": "us-east-1_device",
            "user_id": "kelly",
            "device_name": "Kelly's phone",
            "created_at": "2024-05-01T12:00:00.000Z",
            "updated_at": "2024-05-01T12:00:00.000Z",
            "last_authenticated_at": "2024-05-01T12:00:00.000Z",
        }
    ]


def test_the_adapter_builds_its_own_client_from_the_environment(rig: CognitoRig) -> None:
    rig.seed("kelly", "Finance")
    variables = {
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": rig.endpoint,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_DEFAULT_REGION": REGION,
    }
    with temporary_environment(variables):
        directory = CognitoDirectory(CognitoSettings(rig.pool_id), rig.directory.pager.codec)
        assert directory.get_user("kelly")["app_metadata"] == {"department": "Finance"}


def test_a_department_without_a_group_yet_has_no_users_but_a_missing_pool_is_an_error(rig: CognitoRig) -> None:
    assert rig.directory.department_users("Marketing").users == []
    missing_pool = CognitoDirectory(CognitoSettings("us-east-1_missing"), rig.directory.pager.codec, client=rig.raw)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        missing_pool.department_users("Marketing")
