"""A moto server on 127.0.0.1 as the Cognito user pool behind the directory adapter.

The session's moto server (the one the functional tier's SQS, Secrets Manager and SSM use: its own
child process, kept apart from DynamoDB Local) and one pool per test module (moto takes a second to
make one); the `rig` fixture empties the pool after each test, so tests never see each other's
users. Every call the adapter makes is recorded
(`CognitoRig.calls`), so tests can assert on what reached Cognito.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from dahooks.directory import CognitoDirectory, CognitoSettings
from dahooks.directory.cognito import client_config
from dahooks.search import CursorCodec

if TYPE_CHECKING:
    from collections.abc import Iterator

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # never real ones
CURSOR_KEY = b"functional-test-cursor-key-0123456789"
PASSWORD = "Correct-horse-1"
DEPARTMENTS = ("IT", "HR", "Finance")
BOTO3 = boto3.session.Session()  # one session: its clients share the service model it loaded once


@dataclass
class CognitoRig:
    """A fresh pool, a raw client on it (to arrange and inspect), and the adapter under test."""

    endpoint: str
    pool_id: str
    raw: Any
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.directory = self.directory_with()

    def directory_with(self, client: Any = None, **settings: Any) -> CognitoDirectory:
        """An adapter on this pool with these settings (and, unless given, a recorded client of its own)."""
        directory_settings = CognitoSettings(self.pool_id, **settings)
        return CognitoDirectory(
            directory_settings, CursorCodec(CURSOR_KEY), client=client or self.client(directory_settings)
        )

    def client(self, settings: CognitoSettings) -> Any:
        """A new cognito-idp client on the moto server, configured as the adapter would configure it."""
        client = BOTO3.client(
            "cognito-idp", endpoint_url=self.endpoint, region_name=REGION, config=client_config(settings), **CREDENTIALS
        )
        client.meta.events.register("provide-client-params.cognito-idp.*", self._record)
        return client

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, dict(params)))

    def seed(self, username: str, department: str | None, **attributes: str) -> None:
        """Create a user directly in the pool (not through the adapter), in `department`'s group."""
        values = {"email": f"{username}@example.com", "email_verified": "true", "name": username.title(), **attributes}
        if department:
            values["custom:department"] = department
        self.raw.admin_create_user(
            UserPoolId=self.pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": name, "Value": value} for name, value in values.items()],
        )
        if department:
            self.join_group(username, f"department:{department}")

    def join_group(self, username: str, group: str) -> None:
        groups = {item["GroupName"] for item in self.raw.list_groups(UserPoolId=self.pool_id, Limit=60)["Groups"]}
        if group not in groups:
            self.raw.create_group(UserPoolId=self.pool_id, GroupName=group)
        self.raw.admin_add_user_to_group(UserPoolId=self.pool_id, Username=username, GroupName=group)

    def empty(self) -> None:
        """Delete every user and group of the pool."""
        for user in self.raw.list_users(UserPoolId=self.pool_id, Limit=60)["Users"]:
            self.raw.admin_delete_user(UserPoolId=self.pool_id, Username=user["Username"])
        for group in self.raw.list_groups(UserPoolId=self.pool_id, Limit=60)["Groups"]:
            self.raw.delete_group(UserPoolId=self.pool_id, GroupName=group["GroupName"])

    def exists(self, username: str) -> bool:
        try:
            self.raw.admin_get_user(UserPoolId=self.pool_id, Username=username)
        except self.raw.exceptions.UserNotFoundException:
            return False
        return True


@pytest.fixture(scope="session")
def cognito_endpoint(moto_endpoint: str) -> str:
    """The session's moto server, which serves cognito-idp beside SQS, Secrets Manager and SSM: each
    rig makes a user pool of its own there."""
    return moto_endpoint


def make_rig(endpoint: str) -> CognitoRig:
    """A rig on a new, empty pool."""
    raw = BOTO3.client("cognito-idp", endpoint_url=endpoint, region_name=REGION, **CREDENTIALS)
    pool_id = raw.create_user_pool(
        PoolName=f"directory-{uuid.uuid4().hex[:8]}",
        Schema=[{"Name": "department", "AttributeDataType": "String", "Mutable": True}],
        Policies={"PasswordPolicy": {"MinimumLength": 8}},
    )["UserPool"]["Id"]
    return CognitoRig(endpoint, pool_id, raw)


@pytest.fixture(scope="module")
def module_rig(cognito_endpoint: str) -> CognitoRig:
    return make_rig(cognito_endpoint)


@pytest.fixture
def rig(module_rig: CognitoRig) -> Iterator[CognitoRig]:
    """An empty pool for this test, emptied again after it; its calls recorded from the start."""
    rig = CognitoRig(module_rig.endpoint, module_rig.pool_id, module_rig.raw)
    try:
        yield rig
    finally:
        rig.empty()
