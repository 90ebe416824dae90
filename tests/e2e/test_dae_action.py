"""The Post User Registration Action of `make dae-hooks`, run in Node with a fake `event` and `api`
(local/sandboxes.js) against `make run`'s stack, whose registration worker posts to a stand-in Slack.

A sign-up is accepted (202) and delivered once, even when the Action runs twice for it; what it
posts is the original hook's `user` and `context`; a registration the API refuses, and missing
secrets, are errors the Action throws, with no credential in them.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import pytest

from local.testing import run_action
from tools.dae.forwarding import ACTION_FILE, TOKEN_KEY, write_all

if TYPE_CHECKING:
    from local.testing import RunningStack, SlackReceiver

SECRETS = {
    "HOOKS_TOKEN_URL": "http://127.0.0.1:9/oauth/token",  # never reached while the token is cached
    "HOOKS_CLIENT_ID": "dae-registration",
    "HOOKS_CLIENT_SECRET": "s3cr3t-registration-client-2c9e",
}
DELIVERY_TIMEOUT_S = 60


def sign_up(**user: Any) -> dict[str, Any]:
    """A post-user-registration event as Auth0 Actions give it."""
    return {
        "user": {
            "user_id": "auth0|5f7c8ec7c33c6c004bbafe82",
            "email": "j+smith@example.com",
            "username": "j.smith",
            "email_verified": False,
            "user_metadata": {"hobby": "surfing"},
            "app_metadata": {},
            **user,
        },
        "connection": {"id": "con_fpe5kj482KO1eOzQ", "name": "Username-Password-Authentication", "strategy": "auth0"},
        "tenant": {"id": "example-tenant"},
        "request": {"ip": "203.0.113.7", "language": "en", "method": "POST"},
    }


@pytest.fixture(scope="module")
def registration(
    registration_stack: tuple[RunningStack, SlackReceiver], tmp_path_factory: pytest.TempPathFactory
) -> tuple[RunningStack, SlackReceiver, str]:
    """`make run`'s stack whose registration hook posts to a stand-in Slack, and the Action for it."""
    stack, slack = registration_stack
    out = tmp_path_factory.mktemp("dae-action")
    write_all(out, stack.url)
    return stack, slack, (out / ACTION_FILE).read_text()


def token_cache(stack: RunningStack) -> dict[str, str]:
    return {TOKEN_KEY: stack.token("hooks:invoke", gty="client-credentials", sub="dae-registration@clients")}


def delivered(slack: SlackReceiver, count: int) -> list[str]:
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    while len(slack.received) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # room for a duplicate to show
    return slack.texts()


def test_a_sign_up_is_accepted_and_delivered_once_even_when_the_action_runs_twice(registration):
    stack, slack, action = registration
    before = len(slack.received)
    event = sign_up()

    report = run_action(action, [event, event], secrets=SECRETS, cache=token_cache(stack))

    assert [outcome["error"] for outcome in report["outcomes"]] == [None, None]
    assert report["requests"] == [{"method": "POST", "url": f"{stack.url}/hooks/post-user-registration"}] * 2
    assert delivered(slack, before + 1)[before:] == ["New User: j.smith (j+smith@example.com)"]


def test_the_action_posts_the_original_hooks_user_and_context(registration):
    stack, slack, action = registration
    before = len(slack.received)
    event = sign_up(user_id="email|61d2", username=None, email="nameless@example.com", email_verified=True)

    report = run_action(action, [event], secrets=SECRETS, cache=token_cache(stack))

    assert report["outcomes"][0]["error"] is None
    assert delivered(slack, before + 1)[before:] == ["New User: nameless@example.com (nameless@example.com)"]


def test_a_registration_the_api_refuses_is_an_error_naming_the_field(registration):
    stack, _, action = registration

    report = run_action(action, [sign_up(email_verified="yes")], secrets=SECRETS, cache=token_cache(stack))

    message = report["outcomes"][0]["error"]["message"]
    assert message.startswith(f"post-user-registration action: {stack.url}/hooks/post-user-registration answered 400")
    assert "user.emailVerified" in message
    assert report["outcomes"][0]["elapsedMs"] < 20_000  # inside the Actions' limit


def test_without_a_cached_token_and_without_its_secrets_the_action_says_which_secret_is_missing(registration):
    _, _, action = registration

    report = run_action(action, [sign_up()], secrets={"HOOKS_TOKEN_URL": SECRETS["HOOKS_TOKEN_URL"]})

    assert (
        report["outcomes"][0]["error"]["message"]
        == "post-user-registration action: the Action secret HOOKS_CLIENT_ID is not set"
    )
    assert report["requests"] == []


def test_a_token_endpoint_that_is_down_is_an_error_without_the_secret(registration):
    _, _, action = registration

    report = run_action(action, [sign_up()], secrets=SECRETS)

    message = report["outcomes"][0]["error"]["message"]
    assert message.startswith("post-user-registration action: calling 127.0.0.1:9 failed")
    assert SECRETS["HOOKS_CLIENT_SECRET"] not in json.dumps(report)


def test_with_nothing_cached_the_action_gets_a_token_from_the_local_token_endpoint(registration):
    stack, slack, action = registration
    before = len(slack.received)
    client = json.loads((stack.state_dir / "machine-client.json").read_text())
    secrets = {
        "HOOKS_TOKEN_URL": f"{stack.url}/oauth/token",
        "HOOKS_CLIENT_ID": client["client_id"],
        "HOOKS_CLIENT_SECRET": client["client_secret"],
        "HOOKS_AUDIENCE": stack.issuer.audience,
    }

    report = run_action(action, [sign_up(user_id="auth0|fresh", username="fresh")] * 2, secrets=secrets)

    assert [outcome["error"] for outcome in report["outcomes"]] == [None, None]
    assert report["requests"] == [
        {"method": "POST", "url": f"{stack.url}/oauth/token"},
        *[{"method": "POST", "url": f"{stack.url}/hooks/post-user-registration"}] * 2,
    ]
    assert delivered(slack, before + 1)[before:] == ["New User: fresh (j+smith@example.com)"]
