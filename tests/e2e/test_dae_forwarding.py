"""The forwarding hooks of `make dae-hooks`, run in Node as the extension runs them (local/sandboxes.js:
the extension's ctx and require('request')) against the local stack of `make run`.

For every reference sample (the events/ fixtures of the hook routes) a forwarding hook calls back
with exactly what our route answers: the hook's own answer, or its refusal's message. A refusal, a
request we refuse, a server that never answers and a stopped stack each reach the callback once, as
an error, within the hook's budget. The machine token is kept in ctx.global until a minute before it
expires; calls that need a new one at once share one token request; a token the API refuses is
renewed once. No credential appears in an error.
"""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest

from dahooks.hook_types import HOOK_TYPES
from local.aws import refused_endpoint
from local.paths import EVENTS
from local.testing import (
    RecordingServer,
    SilentServer,
    extension_ctx,
    load_event,
    run_extension_hook,
)
from tools.dae.forwarding import CUSTOM_DATA_KEY, TOKEN_KEY, write_all

if TYPE_CHECKING:
    from pathlib import Path

    from local.testing import RunningStack

CLIENT = {"clientId": "dae-forwarding", "clientSecret": "s3cr3t-forwarding-client-7b1d", "audience": "urn:test"}
# Slack about timers: the callback must come within the budget plus this (a Node timer fires late
# on a machine busy with the other test workers; a hook that hung would be late by far more).
SLACK_MS = 700


def reference_samples(hook_name: str) -> list[tuple[str, dict[str, Any]]]:
    """The events/ fixtures of a hook route that the hook answers (not the malformed ones), with their bodies."""
    samples = []
    for path in sorted(EVENTS.glob("*.json")):
        event = load_event(path.name)
        if event.get("routeKey") == f"POST /hooks/{hook_name}" and not path.stem.endswith("-invalid"):
            samples.append((path.name, json.loads(event["body"])))
    return samples


def machine_token(stack: RunningStack, **claims: Any) -> str:
    return stack.token("hooks:invoke", gty="client-credentials", sub="dae-forwarding@clients", **claims)


def cached(token: str, expires_in_s: float) -> dict[str, Any]:
    """ctx.global holding `token`, as a forwarding hook leaves it, expiring in `expires_in_s`."""
    return {TOKEN_KEY: {"accessToken": token, "expiresAt": (time.time() + expires_in_s) * 1000}}


@pytest.fixture(scope="module")
def scripts(local_stack: RunningStack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dae-hooks")
    write_all(out, local_stack.url)
    return out


def script(directory: Path, hook_name: str) -> str:
    return (directory / f"{hook_name}.js").read_text()


@pytest.mark.parametrize("hook_name", sorted(HOOK_TYPES))
def test_for_each_reference_sample_the_hook_calls_back_with_what_the_route_answers(local_stack, scripts, hook_name):
    hook = HOOK_TYPES[hook_name]
    token = machine_token(local_stack)
    samples = reference_samples(hook_name)
    assert samples, f"no events/ fixture for {hook_name}"
    direct = [local_stack.request("POST", f"/hooks/{hook_name}", body, token=token) for _, body in samples]

    report = run_extension_hook(
        script(scripts, hook_name), [extension_ctx(body) for _, body in samples], global_state=cached(token, 3600)
    )

    for (name, _), answer, outcome in zip(samples, direct, report["outcomes"], strict=True):
        assert outcome["callbacks"] == 1, name
        if answer.status == 200:
            assert outcome["error"] is None, name
            assert outcome["result"] == hook.answer_in(answer.json()), name
        else:
            assert answer.status == hook.refusal_status, name
            assert outcome["error"]["message"] == answer.json()["message"], name
    assert report["requests"] == [{"method": "POST", "url": f"{local_stack.url}/hooks/{hook_name}"}] * len(samples)


def test_a_request_the_api_refuses_is_a_clear_error_naming_status_code_and_field(local_stack, scripts):
    token = machine_token(local_stack)
    body = json.loads(load_event("access-unknown-action-invalid.json")["body"])

    outcome = run_extension_hook(script(scripts, "access"), [extension_ctx(body)], global_state=cached(token, 3600))[
        "outcomes"
    ][0]

    message = outcome["error"]["message"]
    assert message.startswith(
        f"access hook: {local_stack.url}/hooks/access answered 400 InvalidRequest: payload.action"
    )
    assert "(request id " in message


def test_a_server_that_never_answers_is_an_error_within_the_budget(local_stack, tmp_path):
    body = json.loads(load_event("access-read-user-own-department.json")["body"])
    with SilentServer() as silent:
        write_all(tmp_path, silent.url, budget_ms=1000)
        token = machine_token(local_stack)

        report = run_extension_hook(script(tmp_path, "access"), [extension_ctx(body)], global_state=cached(token, 3600))

    outcome = report["outcomes"][0]
    assert outcome["error"]["message"] == f"access hook: {silent.url}/hooks/access did not answer within 1000 ms"
    assert 1000 <= outcome["elapsedMs"] < 1000 + SLACK_MS
    assert outcome["callbacks"] == 1
    assert "hung" not in outcome


def test_a_dropped_connection_is_tried_once_more_then_an_error(local_stack, tmp_path):
    body = json.loads(load_event("access-read-user-own-department.json")["body"])
    with SilentServer(reset=True) as dropping:
        write_all(tmp_path, dropping.url, budget_ms=1000)

        report = run_extension_hook(
            script(tmp_path, "access"), [extension_ctx(body)], global_state=cached(machine_token(local_stack), 3600)
        )

    assert report["requests"] == [{"method": "POST", "url": f"{dropping.url}/hooks/access"}] * 2
    assert (
        report["outcomes"][0]["error"]["message"]
        == f"access hook: calling {dropping.url}/hooks/access failed (ECONNRESET)"
    )


def test_a_token_endpoint_that_never_answers_is_an_error_within_the_budget(local_stack, tmp_path):
    write_all(tmp_path, local_stack.url, budget_ms=1000)
    body = json.loads(load_event("filter-own-department.json")["body"])
    with SilentServer() as silent:
        custom_data = {CUSTOM_DATA_KEY: {**CLIENT, "tokenUrl": f"{silent.url}/oauth/token"}}

        outcome = run_extension_hook(script(tmp_path, "filter"), [extension_ctx(body)], custom_data=custom_data)[
            "outcomes"
        ][0]

    assert outcome["error"]["message"].startswith("filter hook: ")
    assert 1000 <= outcome["elapsedMs"] < 1000 + SLACK_MS
    assert outcome["callbacks"] == 1


def test_a_stopped_stack_is_an_error_at_once(local_stack, tmp_path):
    """To a hook, a stopped stack is its URL's loopback port with nothing listening any more: the
    connection is refused. A port held bound but never listening is exactly that, without starting
    and stopping a stack of its own (that the hooks reach a running stack, the tests above prove)."""
    body = json.loads(load_event("filter-own-department.json")["body"])
    with refused_endpoint() as stopped:
        write_all(tmp_path, stopped)
        global_state = cached(machine_token(local_stack), 3600)

        report = run_extension_hook(script(tmp_path, "filter"), [extension_ctx(body)], global_state=global_state)

    outcome = report["outcomes"][0]
    assert outcome["error"]["message"] == f"filter hook: calling {stopped}/hooks/filter failed (ECONNREFUSED)"
    assert outcome["elapsedMs"] < 1000
    assert outcome["callbacks"] == 1


def test_a_cached_token_serves_every_call_while_more_than_a_minute_from_expiry(local_stack, scripts):
    body = json.loads(load_event("filter-own-department.json")["body"])

    report = run_extension_hook(
        script(scripts, "filter"), [extension_ctx(body)] * 3, global_state=cached(machine_token(local_stack), 90)
    )

    assert [outcome["error"] for outcome in report["outcomes"]] == [None] * 3
    assert report["requests"] == [{"method": "POST", "url": f"{local_stack.url}/hooks/filter"}] * 3
    assert report["customDataReads"] == 0


@pytest.mark.parametrize(
    ("method", "basic"), [(None, False), ("client_secret_post", False), ("client_secret_basic", True)]
)
def test_a_token_within_a_minute_of_expiry_is_renewed_with_the_client_credentials_grant(
    local_stack, scripts, method, basic
):
    body = json.loads(load_event("filter-own-department.json")["body"])
    with RecordingServer(401, {"error": "access_denied", "error_description": "Unauthorized"}) as token_endpoint:
        client = {**CLIENT, "tokenUrl": f"{token_endpoint.url}/oauth/token", "scope": "hooks:invoke"}
        if method:
            client["tokenAuthMethod"] = method

        report = run_extension_hook(
            script(scripts, "filter"),
            [extension_ctx(body)],
            custom_data={CUSTOM_DATA_KEY: client, "departments": ["IT"]},
            global_state=cached(machine_token(local_stack), 50),
        )

    outcome = report["outcomes"][0]
    assert outcome["error"]["message"] == "filter hook: the token endpoint answered 401 access_denied"
    assert CLIENT["clientSecret"] not in json.dumps(report)
    assert report["requests"] == [{"method": "POST", "url": client["tokenUrl"]}]
    (sent,) = token_endpoint.requests
    form = {name: values[0] for name, values in parse_qs(sent.body.decode()).items()}
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    credentials = {"client_id": CLIENT["clientId"], "client_secret": CLIENT["clientSecret"]}
    assert form == {"grant_type": "client_credentials", "audience": "urn:test", "scope": "hooks:invoke"} | (
        {} if basic else credentials
    )
    if basic:
        expected = base64.b64encode(f"{CLIENT['clientId']}:{CLIENT['clientSecret']}".encode()).decode()
        assert sent.headers["authorization"] == f"Basic {expected}"


def test_calls_that_need_a_token_at_once_share_one_token_request(scripts):
    body = json.loads(load_event("access-read-user-own-department.json")["body"])
    with RecordingServer(401, {"error": "invalid_client"}) as token_endpoint:
        custom_data = {CUSTOM_DATA_KEY: {**CLIENT, "tokenUrl": f"{token_endpoint.url}/oauth/token"}}

        report = run_extension_hook(
            script(scripts, "access"), [extension_ctx(body)] * 5, custom_data=custom_data, concurrent=True
        )

    assert len(token_endpoint.requests) == 1
    assert report["customDataReads"] == 1
    messages = {outcome["error"]["message"] for outcome in report["outcomes"]}
    assert messages == {"access hook: the token endpoint answered 401 invalid_client"}


def test_a_token_the_api_refuses_is_renewed_once(local_stack, scripts):
    body = json.loads(load_event("access-read-user-own-department.json")["body"])
    refused = machine_token(local_stack, aud="urn:another-api")  # valid signature, not our audience: 401
    with RecordingServer(401, {"error": "invalid_client"}) as token_endpoint:
        custom_data = {CUSTOM_DATA_KEY: {**CLIENT, "tokenUrl": f"{token_endpoint.url}/oauth/token"}}

        report = run_extension_hook(
            script(scripts, "access"),
            [extension_ctx(body)],
            custom_data=custom_data,
            global_state=cached(refused, 3600),
        )

    assert report["requests"] == [
        {"method": "POST", "url": f"{local_stack.url}/hooks/access"},
        {"method": "POST", "url": f"{token_endpoint.url}/oauth/token"},
    ]
    assert report["outcomes"][0]["error"]["message"] == "access hook: the token endpoint answered 401 invalid_client"


def test_custom_data_without_the_machine_client_is_a_clear_error(scripts):
    body = json.loads(load_event("settings-department-title.json")["body"])

    report = run_extension_hook(script(scripts, "settings"), [extension_ctx(body)], custom_data={"departments": ["IT"]})

    assert report["outcomes"][0]["error"]["message"] == (
        f'settings hook: the custom data has no "{CUSTOM_DATA_KEY}" with tokenUrl, clientId and clientSecret'
    )
    assert report["requests"] == []


def test_custom_data_that_cannot_be_read_is_a_clear_error(scripts):
    # The extension's ctx.read() rejecting, as when its storage is down.
    source = script(scripts, "settings").replace(
        "return ctx.read();", "return Promise.reject(new Error('storage down'));"
    )
    body = json.loads(load_event("settings-department-title.json")["body"])

    report = run_extension_hook(source, [extension_ctx(body)])

    assert report["outcomes"][0]["error"]["message"] == "settings hook: reading the custom data failed"


# --------------------------------------------------------------------------- through the local token endpoint
# `make run`'s POST /oauth/token and its development client (`.local/machine-client.json`), as Auth0's
# token endpoint and a Machine to Machine application would serve the forwarding hooks in production.


def development_client(stack: RunningStack, **options: str) -> dict[str, Any]:
    """The `awsHooks` custom data of the stack's development client."""
    client = json.loads((stack.state_dir / "machine-client.json").read_text())
    return {
        CUSTOM_DATA_KEY: {
            "tokenUrl": f"{stack.url}/oauth/token",
            "clientId": client["client_id"],
            "clientSecret": client["client_secret"],
            "audience": stack.issuer.audience,
            **options,
        }
    }


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic"])
def test_with_nothing_cached_the_hook_gets_a_token_then_keeps_it(local_stack, scripts, method):
    body = json.loads(load_event("filter-own-department.json")["body"])
    custom_data = development_client(local_stack, tokenAuthMethod=method)

    report = run_extension_hook(script(scripts, "filter"), [extension_ctx(body)] * 3, custom_data=custom_data)

    assert [outcome["result"] for outcome in report["outcomes"]] == ['app_metadata.department:"Finance"'] * 3
    assert report["requests"] == [
        {"method": "POST", "url": f"{local_stack.url}/oauth/token"},
        *[{"method": "POST", "url": f"{local_stack.url}/hooks/filter"}] * 3,
    ]
    assert report["customDataReads"] == 1
    assert report["globalKeys"] == [TOKEN_KEY, f"{TOKEN_KEY}Waiting"]


def test_calls_at_once_with_nothing_cached_share_one_token(local_stack, scripts):
    body = json.loads(load_event("access-read-user-own-department.json")["body"])

    report = run_extension_hook(
        script(scripts, "access"),
        [extension_ctx(body)] * 5,
        custom_data=development_client(local_stack),
        concurrent=True,
    )

    assert [outcome["error"] for outcome in report["outcomes"]] == [None] * 5
    assert [request["url"] for request in report["requests"]].count(f"{local_stack.url}/oauth/token") == 1


def test_a_wrong_client_secret_is_the_token_endpoints_refusal_without_the_secret(local_stack, scripts):
    body = json.loads(load_event("filter-own-department.json")["body"])
    custom_data = development_client(local_stack, clientSecret="not-the-secret-5e2a")

    report = run_extension_hook(script(scripts, "filter"), [extension_ctx(body)], custom_data=custom_data)

    assert report["outcomes"][0]["error"]["message"] == "filter hook: the token endpoint answered 401 invalid_client"
    assert "not-the-secret-5e2a" not in json.dumps(report["outcomes"])
