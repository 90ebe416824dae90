"""The accept side, through the function's real handler against moto's SQS: 202 at once, or 400 and nothing queued.

`POST /hooks/post-user-registration` and the Cognito Post Confirmation trigger share the function.
"""

from __future__ import annotations

import json

from dahooks.registration.sources import from_accept_body, from_cognito_trigger
from local.testing import INTAKE, TESTER, http_event, load_event


def fixture_body(name: str) -> dict:
    return json.loads(load_event(name)["body"])


def test_a_registration_is_accepted_with_202_and_queued_once(registration_stack):
    stack = registration_stack()
    body = fixture_body("post-user-registration-accepted.json")

    status, answer = stack.accept(body)

    assert status == 202
    assert answer == {"accepted": True, "id": from_accept_body(body, TESTER).id}
    (message,) = stack.receive()
    queued = json.loads(message["Body"])
    assert queued == {"id": answer["id"], "source": "api", "user": body["user"], "context": body["context"]}
    assert stack.receive() == []


def test_the_fixture_event_is_accepted_as_api_gateway_sends_it(registration_stack):
    stack = registration_stack()

    response = stack.invoke(INTAKE, load_event("post-user-registration-accepted.json"))

    assert response["statusCode"] == 202
    assert stack.depth() == 1


def test_a_bad_body_is_refused_naming_the_field_and_nothing_is_queued(registration_stack):
    stack = registration_stack()

    for name, field in [
        ("post-user-registration-email-verified-not-boolean-invalid.json", "user.emailVerified"),
        ("post-user-registration-without-user-invalid.json", "user"),
    ]:
        response = stack.invoke(INTAKE, load_event(name))
        body = json.loads(response["body"])
        assert response["statusCode"] == 400
        assert body["error"] == "InvalidRequest"
        assert body["field"] == field
        assert body["requestId"]

    not_json = stack.invoke(INTAKE, http_event("POST /hooks/post-user-registration", None, raw="{not json"))
    assert not_json["statusCode"] == 400
    assert stack.depth() == 0


def test_the_cognito_trigger_gets_its_event_back_unchanged_and_the_sign_up_is_queued_once(registration_stack):
    stack = registration_stack()
    event = load_event("cognito-post-confirmation.json")

    returned = stack.invoke(INTAKE, json.loads(json.dumps(event)), timeout=5.0)

    assert returned == event
    (message,) = stack.receive()
    assert json.loads(message["Body"]) == from_cognito_trigger(event).as_dict() | {"source": "cognito"}
    assert stack.receive() == []


def test_a_cognito_password_reset_confirmation_queues_nothing(registration_stack):
    stack = registration_stack()
    event = load_event("cognito-post-confirmation.json")
    event["triggerSource"] = "PostConfirmation_ConfirmForgotPassword"

    assert stack.invoke(INTAKE, event) == event
    assert stack.depth() == 0


def test_an_unreachable_queue_answers_503_not_a_stack_trace(registration_stack, monkeypatch):
    stack = registration_stack()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9")  # nothing listens on the discard port
    stack.load()  # a cold container: its SQS client is built with the new endpoint

    status, body = stack.accept(fixture_body("post-user-registration-accepted.json"))

    assert status == 503
    assert body["error"] == "ServiceUnavailable"
    assert "Traceback" not in json.dumps(body)
