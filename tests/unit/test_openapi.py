"""openapi.yaml is a valid OpenAPI document of exactly the API template.yaml serves.

The routes are compared with the template's own (the one list of routes), so a route added to
the template without its documentation, or documented but not served, fails here. The answers of
the real handlers to the events/ fixtures are checked against the document in
tests/functional/test_events.py.
"""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from dahooks import exceptions
from dahooks.exceptions import DahooksError, InvalidRequestError
from dahooks.responses import error_response
from local.template import Template
from tests.hostile_fixtures.openapi import document, operations, response_validator, schema_validator

TEMPLATE = Template()
ROUTES = {(route.method, route.path): route for route in TEMPLATE.routes()}
GATEWAY_ANSWERS = {401: "Unauthorized", 403: "Forbidden"}
# The template's JWT authorizers, as the document names their security schemes.
SECURITY_SCHEMES = {"JwtAuthorizer": "jwt", "DashboardUserAuthorizer": "dashboardUser"}


# Every error the runtime defines (its one exceptions module), each as the body a caller gets.
ERROR_CLASSES = [cls for cls in vars(exceptions).values() if isinstance(cls, type) and issubclass(cls, DahooksError)]


def test_document_is_valid_openapi():
    validate(document())


def test_document_has_exactly_the_template_routes():
    assert set(operations()) == set(ROUTES)


@pytest.mark.parametrize("route_key", sorted(ROUTES), ids=" ".join)
def test_operation_needs_the_scopes_the_authorizer_checks(route_key):
    route, operation = ROUTES[route_key], operations()[route_key]

    if route.authorized:
        assert operation["security"] == [{SECURITY_SCHEMES[str(route.authorizer)]: list(route.scopes)}]
    else:
        assert operation["security"] == []


@pytest.mark.parametrize("route_key", sorted(key for key, route in ROUTES.items() if route.authorized), ids=" ".join)
@pytest.mark.parametrize("status", sorted(GATEWAY_ANSWERS))
def test_authorized_operation_documents_api_gateways_answer(route_key, status):
    body = {"message": GATEWAY_ANSWERS[status]}

    assert response_validator(*route_key, status).is_valid(body)


@pytest.mark.parametrize("route_key", sorted(ROUTES), ids=" ".join)
def test_every_error_status_documents_a_json_body_with_error_and_message_or_gateways_message(route_key):
    for status in (s for s in operations()[route_key]["responses"] if int(s) >= 400):
        validator = response_validator(*route_key, int(status))
        # A body without the error body's keys ("error", "message"), nor API Gateway's message, must be
        # refused by every error schema.
        assert not validator.is_valid({}), status
        assert not validator.is_valid({"error": "X"}), status


@pytest.mark.parametrize("error_class", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_runtime_error_body_matches_the_error_schema(error_class):
    error = error_class("payload.action", "is not a known action") if error_class is InvalidRequestError else None
    body = json.loads(error_response(error or error_class("message"), "request-1")["body"])

    assert schema_validator("Error").is_valid(body)


def test_invalid_request_body_with_its_field_matches_the_document():
    body = json.loads(error_response(InvalidRequestError("payload.user", "must be an object"), "r")["body"])

    assert body["field"] == "payload.user"
    assert schema_validator("InvalidRequest").is_valid(body)
    assert not schema_validator("InvalidRequest").is_valid({**body, "field": 3})
