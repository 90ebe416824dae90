"""The Slack sample escapes what a user chose: Slack reads `<...>` as links and commands
(`<!channel>` notifies everyone) and `&` as an entity. The worker's real handler posts to a
receiver on 127.0.0.1 that records the text it got."""

from __future__ import annotations

from local.testing import sqs_event


def test_user_supplied_text_reaches_slack_escaped(registration_stack, slack):
    stack = registration_stack()
    body = {
        "user": {"id": "u-1", "username": "<!channel> & <@U024BE7LH>", "email": "x@y.io <https://evil.example|bank>"},
        "context": {"connection": {"id": "con_1"}},
    }
    stack.accept(body)

    stack.work(sqs_event(stack.receive()))

    assert slack.texts() == [
        "New User: &lt;!channel&gt; &amp; &lt;@U024BE7LH&gt; (x@y.io &lt;https://evil.example|bank&gt;)"
    ]


def test_an_ampersand_already_escaped_is_escaped_again_so_it_shows_as_typed(registration_stack, slack):
    stack = registration_stack()
    stack.accept({"user": {"id": "u-2", "username": "a&amp;b", "email": "a@b.io"}})

    stack.work(sqs_event(stack.receive()))

    assert slack.texts() == ["New User: a&amp;amp;b (a@b.io)"]
