"""The worker, in-process, on SQS events built from real messages received from moto's queue.

Secrets from moto's Secrets Manager, idempotency records in DynamoDB Local, and the hook posting
to a real HTTP receiver on 127.0.0.1 standing in for Slack.
"""

from __future__ import annotations

import json

from dahooks.registration.sources import from_accept_body
from local.testing import TESTER, eventually, load_event, sqs_event


def new_user_body() -> dict:
    return json.loads(load_event("post-user-registration-accepted.json")["body"])


def test_one_registration_reaches_the_receiver_once_with_the_samples_text(registration_stack, slack):
    stack = registration_stack()
    status, _ = stack.accept(new_user_body())

    response = stack.work(sqs_event(stack.receive()))

    assert status == 202
    assert response == {"batchItemFailures": []}
    assert slack.received == [{"text": "New User: user1 (user1@foo.com)", "channel": "#new-users"}]


def test_a_user_without_username_is_announced_by_email(registration_stack, slack):
    stack = registration_stack()
    body = new_user_body()
    del body["user"]["username"]
    stack.accept(body)

    stack.work(sqs_event(stack.receive()))

    assert slack.texts() == ["New User: user1@foo.com (user1@foo.com)"]


def test_the_same_message_delivered_twice_posts_once(registration_stack, slack):
    stack = registration_stack()
    stack.accept(new_user_body())
    event = sqs_event(stack.receive())

    first = stack.work(event)
    second = stack.work(event)

    assert first == second == {"batchItemFailures": []}
    assert len(slack.received) == 1


def test_the_same_registration_accepted_twice_posts_once(registration_stack, slack):
    # A client that retries its POST: two messages, one registration id.
    stack = registration_stack()
    stack.accept(new_user_body())
    stack.accept(new_user_body())
    messages = stack.receive()

    response = stack.work(sqs_event(messages))

    assert len(messages) == 2
    assert response == {"batchItemFailures": []}
    assert len(slack.received) == 1


def test_a_failed_post_fails_only_its_own_record_and_a_retry_then_posts(registration_stack, slack):
    stack = registration_stack()
    other = new_user_body()
    other["user"].update(id="second-user", username="user2", email="user2@foo.com")
    stack.accept(new_user_body())
    stack.accept(other)
    slack.fail_first = 1  # the first post of the batch fails
    messages = sorted(stack.receive(), key=lambda message: json.loads(message["Body"])["user"]["username"])

    response = stack.work(sqs_event(messages))

    assert response == {"batchItemFailures": [{"itemIdentifier": messages[0]["MessageId"]}]}
    assert slack.texts() == ["New User: user2 (user2@foo.com)"]

    retried = stack.work(sqs_event(messages))  # the failed record comes back: it posts; the other does not

    assert retried == {"batchItemFailures": []}
    assert sorted(slack.texts()) == ["New User: user1 (user1@foo.com)", "New User: user2 (user2@foo.com)"]


def test_a_hook_that_runs_out_of_its_attempts_time_is_retried_not_lost(registration_stack, slack):
    stack = registration_stack(parameters={"RegistrationAttemptSeconds": 2})
    stack.accept(new_user_body())
    # Slack is slow: longer than the 2 s attempt less the 1 s kept to record its outcome. And the slow
    # post fails in the end: one that succeeded after the worker gave up on it would be a second
    # delivery, which a post the worker abandons can always be.
    slack.delay_s = 1.5
    slack.fail_next(1)
    event = sqs_event(stack.receive())

    timed_out = stack.work(event)
    slack.delay_s = 0.0
    eventually(lambda: slack.attempts == 1)  # the abandoned post answered, before the retry posts
    retried = stack.work(event)

    assert timed_out == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert retried == {"batchItemFailures": []}
    assert slack.texts() == ["New User: user1 (user1@foo.com)"]


def test_an_auth0_sign_up_from_eventbridge_is_normalised_and_posted(registration_stack, slack):
    stack = registration_stack()
    stack.send_raw(json.dumps(load_event("eventbridge-auth0-ss.json")))  # what the EventBridge rule's target does

    response = stack.work(sqs_event(stack.receive()))

    assert response == {"batchItemFailures": []}
    assert slack.texts() == ["New User: ana (ana@example.com)"]


def test_a_cognito_sign_up_goes_from_the_trigger_to_the_receiver(registration_stack, slack):
    stack = registration_stack()
    stack.invoke("PostUserRegistrationFunction", load_event("cognito-post-confirmation.json"))

    stack.work(sqs_event(stack.receive()))

    assert slack.texts() == ["New User: jdoe (jdoe@example.com)"]


def test_an_unreadable_message_fails_and_is_left_for_the_dead_letter_queue(registration_stack, slack):
    stack = registration_stack()
    stack.send_raw('{"not": "a registration"}')
    event = sqs_event(stack.receive())

    response = stack.work(event)

    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert slack.received == []


def test_the_secret_is_read_once_and_cached_across_invocations(registration_stack, slack, monkeypatch):
    stack = registration_stack()
    body = new_user_body()
    stack.accept(body)
    stack.work(sqs_event(stack.receive()))
    # Rotate the secret to a URL nobody listens on: the warm container keeps the cached value.
    stack.secrets_client().put_secret_value(
        SecretId=stack.secret_name, SecretString=json.dumps({"SLACK_HOOK": "http://127.0.0.1:9/rotated"})
    )
    body["user"].update(id="second-user", username="user2")
    stack.accept(body)

    response = stack.work(sqs_event(stack.receive()))

    assert response == {"batchItemFailures": []}
    assert slack.texts() == ["New User: user1 (user1@foo.com)", "New User: user2 (user1@foo.com)"]


def test_a_rotated_secret_is_picked_up_once_the_cache_expires(registration_stack, slack, monkeypatch):
    monkeypatch.setenv("REGISTRATION_SECRETS_MAX_AGE_SECONDS", "0")
    stack = registration_stack()
    stack.secrets_client().put_secret_value(
        SecretId=stack.secret_name, SecretString=json.dumps({"SLACK_HOOK": "http://127.0.0.1:9/rotated"})
    )
    stack.accept(new_user_body())

    response = stack.work(sqs_event(stack.receive()))

    assert len(response["batchItemFailures"]) == 1  # the rotated (dead) URL was used
    assert slack.received == []


def test_secrets_never_appear_in_a_log_line(registration_stack, slack, captured_logs, capfd):
    stack = registration_stack()
    secret_path = slack.url.split("/services/", 1)[1]
    body = new_user_body()
    stack.accept(body)
    event = sqs_event(stack.receive())
    slack.fail_first = 1
    stack.work(event)  # an HTTP 500 from the receiver
    stack.secrets_client().put_secret_value(
        SecretId=stack.secret_name,
        SecretString=json.dumps({"SLACK_HOOK": f"http://127.0.0.1:9/services/{secret_path}", "CRM_API_KEY": "crm-9"}),
    )
    stack.load()  # a cold container reads the new secret
    stack.work(event)  # a refused connection: requests quotes the URL's path in its error

    def broken_hook(user, context):
        raise RuntimeError(f"cannot post to {context['secrets']['SLACK_HOOK']}: {context['secrets']}")

    stack.handlers["RegistrationWorkerFunction"].hook = broken_hook
    stack.work(event)  # a hook that puts the secrets in its own exception

    output = captured_logs.text + capfd.readouterr().out
    assert "will be retried" in output  # the failures were logged
    assert slack.url not in output
    assert secret_path not in output
    assert "crm-key-4f9d2c7a1e" not in output
    assert from_accept_body(body, TESTER).id in output


def test_a_hook_in_the_originals_callback_style_succeeds_with_cb_and_fails_with_cb_error(registration_stack, tmp_path):
    stack = registration_stack()
    seen: list[tuple[str, bool]] = []
    hook_file = tmp_path / "hook.py"
    hook_file.write_text(
        "def hook(user, context, cb):\n"
        "    SEEN.append((user['username'], 'SLACK_HOOK' in context['secrets']))\n"
        "    if user['username'] == 'refused':\n"
        "        return cb(Exception('CRM said no'))\n"
        "    cb()\n"
    )
    worker_class = type(stack.handlers["RegistrationWorkerFunction"])
    worker = worker_class(hook_file)
    worker.hook.__globals__["SEEN"] = seen
    stack.handlers["RegistrationWorkerFunction"] = worker
    refused = new_user_body()
    refused["user"].update(id="refused-user", username="refused")
    stack.accept(new_user_body())
    stack.accept(refused)
    messages = stack.receive()

    response = stack.work(sqs_event(messages))

    failed_body = next(
        m["Body"] for m in messages if m["MessageId"] == response["batchItemFailures"][0]["itemIdentifier"]
    )
    assert worker.with_callback
    assert sorted(seen) == [("refused", True), ("user1", True)]
    assert len(response["batchItemFailures"]) == 1
    assert json.loads(failed_body)["user"]["username"] == "refused"
