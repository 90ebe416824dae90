"""A registration's id is bound to who reported it: its source, the verified principal, the connection.

Before, it was derived from the caller-chosen tenant and user id alone, so any holder of the accept
route's scope could pre-claim a real user's id (and so suppress their registration for the queue's
retention), and the same user id from two sources or connections was one registration.
"""

from __future__ import annotations

import json
import uuid

from dahooks.registration.model import Origin, registration_id
from dahooks.registration.sources import from_accept_body, from_auth0_log_event, from_cognito_trigger
from local.testing import load_event


def accept_body() -> dict:
    return json.loads(load_event("post-user-registration-accepted.json")["body"])


def test_two_callers_posting_the_same_user_get_two_registrations():
    assert (
        from_accept_body(accept_body(), "client-a@clients").id != from_accept_body(accept_body(), "client-b@clients").id
    )


def test_the_same_user_over_two_connections_is_two_registrations():
    other = accept_body()
    other["context"]["connection"]["id"] = "con_other"

    assert from_accept_body(accept_body(), "client-a").id != from_accept_body(other, "client-a").id


def test_the_same_user_id_from_each_source_is_a_registration_of_its_own():
    pool = "us-east-1_AbCdEfGhI"
    cognito = load_event("cognito-post-confirmation.json")
    body = {"user": {"id": cognito["request"]["userAttributes"]["sub"], "tenant": pool}}
    body["context"] = {"connection": {"id": pool, "tenant": pool}}

    posted = from_accept_body(body, pool)  # a caller naming itself after the pool is still the api source
    confirmed = from_cognito_trigger(cognito)

    assert confirmed is not None
    assert posted.id != confirmed.id


def test_auth0_registrations_are_bound_to_the_partner_event_source():
    event = load_event("eventbridge-auth0-ss.json")
    forged = json.loads(json.dumps(event))
    forged["source"] = "aws.partner/auth0.com/another-tenant/auth0.logs"

    assert from_auth0_log_event(event).id != from_auth0_log_event(forged).id


def test_no_choice_of_field_values_makes_two_origins_one_id():
    # With the fields joined by a separator these two would read "api|a|b|c|d" alike.
    assert registration_id(Origin("api", "a|b", "c"), "", "d") != registration_id(Origin("api", "a", "b|c"), "", "d")


def test_without_a_verified_principal_or_a_user_id_every_report_is_its_own_registration():
    ids = {
        registration_id(Origin("api", "", "con"), "tenant", "user-1"),
        registration_id(Origin("api", "", "con"), "tenant", "user-1"),
        registration_id(Origin("api", "client", "con"), "tenant", None),
        registration_id(Origin("api", "client", "con"), "tenant", None),
    }

    assert len(ids) == 4
    assert all(uuid.UUID(value).version == 4 for value in ids)
