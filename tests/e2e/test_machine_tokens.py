"""Who may call the hook routes, over the local stack: machines only, with tokens of the local issuer's
token endpoint (`POST /oauth/token`, client credentials, as Auth0's); and every request, refused or
not, leaves a line in the access log.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import jwt
import pytest

from local.access_log import ACCESS_LOG_FILE
from local.machine_client import CLIENT_FILE
from local.template import Template

if TYPE_CHECKING:
    from local.testing import Response, RunningStack

SETTINGS_BODY = {"request": {"user": {"user_id": "auth0|kelly", "app_metadata": {"department": "Finance"}}}}
FORM = {"content-type": "application/x-www-form-urlencoded"}


def client_of(stack: RunningStack) -> dict[str, str]:
    return json.loads((stack.state_dir / CLIENT_FILE).read_text())


def ask_for_token(stack: RunningStack, fields: dict[str, str], headers: dict[str, str] | None = None) -> Response:
    return stack.request("POST", "/oauth/token", urlencode(fields).encode(), headers={**FORM, **(headers or {})})


def credentials(stack: RunningStack, **extra: str) -> dict[str, str]:
    client = client_of(stack)
    return {"grant_type": "client_credentials", **client, **extra}


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_machine_client_gets_a_token_that_the_hook_routes_take(local_stack: RunningStack) -> None:
    answer = ask_for_token(local_stack, credentials(local_stack, audience=local_stack.issuer.audience))

    assert answer.status == 200, answer.body
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0
    assert answer.headers["cache-control"] == "no-store"
    claims = claims_of(body["access_token"])
    assert claims["gty"] == "client-credentials"
    assert claims["sub"] == f"{client_of(local_stack)['client_id']}@clients"
    assert set(body["scope"].split()) == {"hooks:invoke", "custom-data:read", "custom-data:write"}
    served = local_stack.request("POST", "/hooks/settings", SETTINGS_BODY, token=body["access_token"])
    assert served.status == 200, served.body


def test_the_token_endpoint_takes_json_and_basic_credentials_too(local_stack: RunningStack) -> None:
    fields = credentials(local_stack)
    as_json = local_stack.request("POST", "/oauth/token", fields)
    basic = base64.b64encode(f"{fields['client_id']}:{fields['client_secret']}".encode()).decode()
    as_basic = ask_for_token(
        local_stack, {"grant_type": "client_credentials"}, headers={"authorization": f"Basic {basic}"}
    )

    assert as_json.status == 200, as_json.body
    assert as_basic.status == 200, as_basic.body


def test_a_token_asked_with_fewer_scopes_has_only_those(local_stack: RunningStack) -> None:
    answer = ask_for_token(local_stack, credentials(local_stack, scope="custom-data:read"))

    token = answer.json()["access_token"]
    assert claims_of(token)["scope"] == "custom-data:read"
    refused = local_stack.request("POST", "/hooks/settings", SETTINGS_BODY, token=token)
    assert (refused.status, refused.json()) == (403, {"message": "Forbidden"})


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"client_secret": "not-the-secret"}, 401, "invalid_client"),
        ({"client_id": "someone-else"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"audience": "urn:another-api"}, 403, "access_denied"),
        ({"scope": "hooks:invoke admin:everything"}, 400, "invalid_scope"),
    ],
)
def test_the_token_endpoint_refuses_as_auth0_would(local_stack, change, status, error) -> None:
    answer = ask_for_token(local_stack, {**credentials(local_stack), **change})

    assert answer.status == status
    assert answer.json()["error"] == error
    assert "access_token" not in answer.json()
    assert client_of(local_stack)["client_secret"] not in answer.body.decode()


def test_the_development_token_is_a_machines(local_stack: RunningStack) -> None:
    token = (local_stack.state_dir / "dev-token").read_text().strip()

    assert claims_of(token)["gty"] == "client-credentials"
    assert local_stack.request("POST", "/hooks/settings", SETTINGS_BODY, token=token).status == 200


@pytest.mark.parametrize("path", ["/hooks/access", "/hooks/settings", "/hooks/post-user-registration"])
def test_a_users_token_on_a_hook_route_is_403_with_our_error_body(local_stack: RunningStack, path: str) -> None:
    user_token = local_stack.token("hooks:invoke", sub="auth0|kelly", gty=None, azp=None)

    answer = local_stack.request("POST", path, SETTINGS_BODY, token=user_token)

    assert answer.status == 403
    body = answer.json()
    assert body["error"] == "Forbidden"
    assert "machine token" in body["message"]
    assert body["requestId"] == answer.headers["apigw-requestid"]


def test_a_cognito_style_machine_token_is_served(local_stack: RunningStack) -> None:
    token = local_stack.token(
        "hooks:invoke", gty=None, azp=None, sub="4pq8v2r6s0", client_id="4pq8v2r6s0", token_use="access"
    )

    assert local_stack.request("POST", "/hooks/settings", SETTINGS_BODY, token=token).status == 200


def access_log_lines(stack: RunningStack) -> list[dict[str, str]]:
    return [json.loads(line) for line in (stack.state_dir / "logs" / ACCESS_LOG_FILE).read_text().splitlines()]


def test_refusals_leave_a_json_line_in_the_access_log(local_stack: RunningStack) -> None:
    no_token = local_stack.request("POST", "/hooks/access", {})
    no_scope = local_stack.request("POST", "/hooks/access", {}, token=local_stack.token("custom-data:read"))
    bad_secret = ask_for_token(local_stack, credentials(local_stack, client_secret="wrong-secret-value"))

    lines = {line["requestId"]: line for line in access_log_lines(local_stack)}
    unauthorized = lines[no_token.headers["apigw-requestid"]]
    assert (unauthorized["status"], unauthorized["routeKey"]) == ("401", "POST /hooks/access")
    assert unauthorized["authorizerError"] == "no Authorization header"
    assert (unauthorized["integrationStatus"], unauthorized["ip"]) == ("-", "127.0.0.1")
    forbidden = lines[no_scope.headers["apigw-requestid"]]
    assert forbidden["status"] == "403"
    assert "scopes" in forbidden["authorizerError"]
    assert lines[bad_secret.headers["apigw-requestid"]]["status"] == "401"
    text = (local_stack.state_dir / "logs" / ACCESS_LOG_FILE).read_text()
    assert "wrong-secret-value" not in text
    assert client_of(local_stack)["client_secret"] not in text


def test_the_access_log_has_the_keys_of_the_templates_format(local_stack: RunningStack) -> None:
    served = local_stack.request("GET", "/health")

    line = next(
        line for line in access_log_lines(local_stack) if line["requestId"] == served.headers["apigw-requestid"]
    )
    log_format = Template().access_log_format()
    assert log_format is not None
    assert set(line) == set(json.loads(log_format))
    assert line["status"] == "200"
    assert line["integrationStatus"] == "200"
    assert int(line["responseLatency"]) >= int(line["integrationLatency"]) >= 0
