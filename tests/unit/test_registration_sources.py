"""The registration's shape: the accept body's validation, and the three sources normalised to `user`/`context`.

Unit tests: no network. The same events/ fixtures drive the end-to-end tests.
"""

from __future__ import annotations

import json
import logging

import pytest

from dahooks.exceptions import InvalidRequestError
from dahooks.registration.masking import SecretMask
from dahooks.registration.sources import (
    UnknownMessageError,
    from_accept_body,
    from_auth0_log_event,
    from_cognito_trigger,
    from_message,
)
from dahooks.responses import jwt_claims_of
from local.event_source import succeeded_records
from local.testing import load_event

CALLER = "client-a@clients"  # the subject of the accept route's verified token
ORIGINAL_USER_KEYS = {
    "id",
    "tenant",
    "username",
    "email",
    "emailVerified",
    "phoneNumber",
    "phoneNumberVerified",
    "user_metadata",
    "app_metadata",
}


def accept_body() -> dict:
    return json.loads(load_event("post-user-registration-accepted.json")["body"])


def test_the_documented_body_is_accepted_as_it_is():
    registration = from_accept_body(accept_body(), CALLER)

    assert registration.user == accept_body()["user"]
    assert registration.context == accept_body()["context"]
    assert registration.source == "api"


def test_the_original_runners_sample_without_an_id_is_accepted_with_a_fresh_id():
    body = accept_body()
    del body["user"]["id"]

    first, second = from_accept_body(body, CALLER), from_accept_body(body, CALLER)

    assert first.id != second.id


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("user",), "user1", "user"),
        (("user", "id"), 42, "user.id"),
        (("user", "email"), ["a@b.c"], "user.email"),
        (("user", "emailVerified"), "yes", "user.emailVerified"),
        (("user", "phoneNumberVerified"), 1, "user.phoneNumberVerified"),
        (("user", "user_metadata"), "surfing", "user.user_metadata"),
        (("user", "app_metadata"), [], "user.app_metadata"),
        (("context",), "en", "context"),
        (("context", "requestLanguage"), 7, "context.requestLanguage"),
        (("context", "connection"), "Username-Password-Authentication", "context.connection"),
        (("context", "connection", "name"), False, "context.connection.name"),
        (("context", "secrets"), {"SLACK_HOOK": "https://example.com"}, "context.secrets"),
    ],
)
def test_a_bad_field_is_refused_by_name(path, value, field):
    body = accept_body()
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    with pytest.raises(InvalidRequestError) as refused:
        from_accept_body(body, CALLER)

    assert refused.value.field == field


def test_a_user_with_nothing_to_announce_is_refused():
    with pytest.raises(InvalidRequestError) as refused:
        from_accept_body({"user": {"emailVerified": True}}, CALLER)

    assert refused.value.field == "user"


def test_the_same_user_reported_by_the_same_caller_always_has_the_same_registration_id():
    assert from_accept_body(accept_body(), CALLER).id == from_accept_body(accept_body(), CALLER).id


def test_a_cognito_sign_up_becomes_the_originals_user_and_context():
    registration = from_cognito_trigger(load_event("cognito-post-confirmation.json"))

    assert registration is not None
    assert set(registration.user) == ORIGINAL_USER_KEYS
    assert registration.user["id"] == "8a7b6c5d-1234-4e5f-9abc-0123456789ab"
    assert registration.user["username"] == "jdoe"
    assert registration.user["email"] == "jdoe@example.com"
    assert registration.user["emailVerified"] is True
    assert registration.user["phoneNumberVerified"] is False
    assert registration.user["user_metadata"] == {"department": "Finance"}
    assert registration.context["requestLanguage"] == "en-GB"
    assert registration.context["connection"]["tenant"] == "us-east-1_AbCdEfGhI"


def test_a_confirmed_password_reset_is_not_a_registration():
    event = load_event("cognito-post-confirmation.json")
    event["triggerSource"] = "PostConfirmation_ConfirmForgotPassword"

    assert from_cognito_trigger(event) is None


def test_an_auth0_sign_up_event_becomes_the_originals_user_and_context():
    registration = from_auth0_log_event(load_event("eventbridge-auth0-ss.json"))

    assert registration is not None
    assert set(registration.user) == ORIGINAL_USER_KEYS
    assert registration.user["id"] == "6745a1b2c3d4e5f6a7b8c9d0"  # without the "auth0|" prefix
    assert registration.user["username"] == "ana"
    assert registration.user["email"] == "ana@example.com"
    assert registration.user["tenant"] == "my-tenant"
    assert registration.user["user_metadata"] == {"department": "HR"}
    assert registration.context["connection"] == {
        "id": "con_xxxxxxxxxxxxxxxx",
        "name": "Username-Password-Authentication",
        "tenant": "my-tenant",
    }
    assert "password" not in json.dumps(registration.as_dict())


def test_an_auth0_log_event_of_another_type_is_not_a_registration():
    event = load_event("eventbridge-auth0-ss.json")
    event["detail"]["data"]["type"] = "s"  # a successful login

    assert from_auth0_log_event(event) is None


def test_a_queue_message_is_read_whichever_source_wrote_it():
    accepted = from_accept_body(accept_body(), CALLER)
    event = load_event("eventbridge-auth0-ss.json")

    assert from_message(accepted.to_message()) == accepted
    assert from_message(json.dumps(event)) == from_auth0_log_event(event)
    with pytest.raises(UnknownMessageError):
        from_message('{"hello": "world"}')
    with pytest.raises(UnknownMessageError):
        from_message("not json")


def test_the_sqs_fixtures_hold_what_the_sources_produce():
    (new_user,) = load_event("sqs-registration-new-user.json")["Records"]
    (auth0,) = load_event("sqs-registration-auth0-ss.json")["Records"]
    caller = jwt_claims_of(load_event("post-user-registration-accepted.json"))["sub"]

    assert from_message(new_user["body"]) == from_accept_body(accept_body(), caller)
    assert from_message(auth0["body"]) == from_auth0_log_event(load_event("eventbridge-auth0-ss.json"))


def test_the_secret_mask_hides_values_and_url_paths_in_messages_extras_and_tracebacks():
    mask = SecretMask()
    url = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
    mask.remember({"SLACK_HOOK": url, "nested": {"API_KEY": "k3y-value-123"}})
    try:
        raise RuntimeError(f"Max retries exceeded with url: /services/T000/B000/XXXXXXXXXXXX (via {url})")
    except RuntimeError as error:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "posting to %s", (url,), None)
        record.exc_info = (type(error), error, error.__traceback__)
    record.reason = {"key": "k3y-value-123"}

    mask.filter(record)

    rendered = record.getMessage() + json.dumps(record.reason) + record.exception
    assert "XXXXXXXXXXXX" not in rendered
    assert "k3y-value-123" not in rendered
    assert "[REDACTED]" in rendered
    assert record.exception_name == "RuntimeError"


def test_lambda_deletes_what_the_function_did_not_report_as_failed():
    records = [{"messageId": name, "receiptHandle": name} for name in ("a", "b", "c")]

    assert succeeded_records(records, None) == records
    assert succeeded_records(records, {"batchItemFailures": []}) == records
    assert succeeded_records(records, {"batchItemFailures": [{"itemIdentifier": "b"}]}) == [records[0], records[2]]
    # A failure naming no record of the batch fails the whole batch, as in Lambda.
    assert succeeded_records(records, {"batchItemFailures": [{"itemIdentifier": "zzz"}]}) == []
    assert succeeded_records(records, {"batchItemFailures": [{"itemIdentifier": None}]}) == []
