"""Post User Registration hook: announce every new user in a Slack channel.

The original documentation's Slack sample, ported. Its signature is the original's
`hook(user, context)` (or `hook(user, context, cb)`); `context["secrets"]` is the stack's
registration secret (output `RegistrationSecretArn`), and the channel is the `SlackChannel` parameter.

Unlike the original, which fired the request and returned, this waits for Slack's answer and
raises when the post failed: the registration is then retried with back-off, and after the last
attempt kept in the dead-letter queue. It never posts twice for one registration.
"""

from __future__ import annotations

from typing import Any

import requests

from dahooks.config import env_str
from dahooks.http import timeout_session

# Read more about incoming webhooks at https://api.slack.com/incoming-webhooks
CHANNEL = env_str("SLACK_CHANNEL", "#new-users")

# Kept warm across invocations, with ctx.http's connect and read timeouts: a slow Slack fails this
# attempt, not the worker.
_session = timeout_session()


class SlackPostError(RuntimeError):
    """Slack did not take the message; the text says why, never the webhook URL."""


def slack_text(value: object) -> str:
    """`value` as literal text in a Slack message.

    Slack reads `<...>` as a link or a command (`<!channel>` notifies everyone) and `&` as the start
    of an entity, so its message formatting rules ask for exactly these three to be escaped in text
    that came from a user.
    """
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def hook(user: dict[str, Any], context: dict[str, Any]) -> None:
    webhook_url = context["secrets"].get("SLACK_HOOK")
    if not webhook_url:
        raise SlackPostError("the hook's secret has no SLACK_HOOK")

    # Post the new user's name and email address to the selected channel
    name, email = slack_text(user.get("username") or user.get("email")), slack_text(user.get("email"))
    message = f"New User: {name} ({email})"
    try:
        response = _session.post(webhook_url, json={"text": message, "channel": CHANNEL})
    except requests.RequestException as error:
        # `from None`: requests' own message quotes the URL, which is the secret.
        raise SlackPostError(f"posting to Slack failed: {type(error).__name__}") from None
    if response.status_code >= 300:
        raise SlackPostError(f"Slack answered {response.status_code}")
