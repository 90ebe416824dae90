"""The users API's handler in process, against the Cognito emulator (the demo directory) and DynamoDB Local.

One emulator with the demo directory per session; each test gets a handler of its own (a cold
container: empty acting-user cache) and the emptied table. Tests that change the directory change
users of their own (`Directory.add`), or undo what they did.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jwt
import pytest

from dahooks.directory import CognitoDirectory
from dahooks.directory.cognito import client_config
from dahooks.search import CursorCodec
from dahooks.users_api import UsersApi
from dahooks.users_api.settings import UsersApiSettings
from local.authorizer import gateway_claims
from local.cognito_emulator import CognitoEmulator
from local.demo_directory import LocalPool, cognito_client, demo_password, ensure_demo_directory, user_token
from local.lambda_runtime import LambdaContext
from local.template import ROOT

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

CURSOR_KEY = b"functional-users-api-cursor-key-0123456789"


@dataclass
class DemoDirectory:
    """The demo pool on the session's emulator, a raw client on it, and the demo password."""

    pool: LocalPool
    password: str
    raw: Any = field(init=False)
    _tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.raw = cognito_client(self.pool.endpoint)

    def token(self, username: str, *, fresh: bool = False) -> str:
        if fresh or username not in self._tokens:
            self._tokens[username] = user_token(self.pool, username, self.password)
        return self._tokens[username]

    def add(self, username: str, department: str | None, *groups: str) -> str:
        """A user of the test's own, with the demo password, in `department` and `groups`."""
        attributes = [
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ]
        if department:
            attributes.append({"Name": "custom:department", "Value": department})
            groups = (f"department:{department}", *groups)
        self.raw.admin_create_user(
            UserPoolId=self.pool.pool_id, Username=username, MessageAction="SUPPRESS", UserAttributes=attributes
        )
        self.raw.admin_set_user_password(
            UserPoolId=self.pool.pool_id, Username=username, Password=self.password, Permanent=True
        )
        for group in groups:
            self.raw.admin_add_user_to_group(UserPoolId=self.pool.pool_id, Username=username, GroupName=group)
        return username

    def exists(self, username: str) -> bool:
        try:
            self.raw.admin_get_user(UserPoolId=self.pool.pool_id, Username=username)
        except self.raw.exceptions.UserNotFoundException:
            return False
        return True

    def remove(self, username: str) -> None:
        if self.exists(username):
            self.raw.admin_delete_user(UserPoolId=self.pool.pool_id, Username=username)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoDirectory]:
    state = tmp_path_factory.mktemp("cognito")
    with CognitoEmulator() as emulator:
        assert emulator.endpoint is not None
        yield DemoDirectory(ensure_demo_directory(emulator.endpoint, state), demo_password(state))


@dataclass
class Answer:
    status: int
    body: Any


class Dashboard:
    """Calls the users API's handler as API Gateway would, with a demo user's real token."""

    def __init__(self, handler: UsersApi, demo: DemoDirectory) -> None:
        self.handler = handler
        self.demo = demo

    def call(
        self,
        method: str,
        path: str,
        as_user: str,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        token: str | None = None,
        timeout: float = 10.0,
    ) -> Answer:
        claims = gateway_claims(jwt.decode(token or self.demo.token(as_user), options={"verify_signature": False}))
        event = api_event(method, path, claims, body, query)
        context: Any = LambdaContext(function_name="UsersFunction", memory_limit_in_mb=512, timeout=timeout)
        response = self.handler(event, context)
        return Answer(response["statusCode"], json.loads(response["body"]) if response.get("body") else None)


def api_event(
    method: str, path: str, claims: dict[str, str], body: Any = None, query: dict[str, str] | None = None
) -> dict[str, Any]:
    """An HTTP API event for `/api/...` after the dashboard-user authorizer accepted the token."""
    from urllib.parse import urlencode

    parts = path.strip("/").split("/")
    route, parameters = path, {}
    if len(parts) >= 3 and parts[:2] == ["api", "users"]:
        parameters["id"] = parts[2]
        route = "/api/users/{id}" + ("/" + "/".join(parts[3:]) if len(parts) > 3 else "")
        if len(parts) == 5 and parts[3] == "multifactor":
            parameters["provider"] = parts[4]
            route = "/api/users/{id}/multifactor/{provider}"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {route}",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
            "requestId": f"request-{method}-{path}",
            "routeKey": f"{method} {route}",
            "stage": "$default",
            "authorizer": {"jwt": {"claims": claims, "scopes": None}},
        },
        "isBase64Encoded": False,
    }
    if parameters:
        event["pathParameters"] = parameters
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        event["body"] = json.dumps(body)
    return event


def users_api(demo: DemoDirectory, functions: Path = ROOT / "functions", **settings: Any) -> UsersApi:
    """A users API handler on the demo pool (a cold container), its cursors signed with a test key."""
    options = UsersApiSettings(demo.pool.pool_id, cursor_key_secret="not-read-here", **settings)

    def directory(chosen: UsersApiSettings) -> CognitoDirectory:
        client = cognito_client(demo.pool.endpoint, config=client_config(chosen.cognito()))
        return CognitoDirectory(chosen.cognito(), CursorCodec(CURSOR_KEY), client=client)

    return UsersApi(functions, settings=options, directory_factory=directory)


@pytest.fixture
def dashboard(demo: DemoDirectory, table: str) -> Dashboard:
    return Dashboard(users_api(demo), demo)


@pytest.fixture
def make_dashboard(demo: DemoDirectory, table: str) -> Callable[..., Dashboard]:
    """make_dashboard(functions=..., directory_factory=..., **settings) -> a Dashboard on its own handler."""

    def make(handler: UsersApi | None = None, **settings: Any) -> Dashboard:
        return Dashboard(handler or users_api(demo, **settings), demo)

    return make
