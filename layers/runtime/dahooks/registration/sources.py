"""The three ways a sign-up reaches us, each turned into the original's `user` and `context`.

- the accept route (`POST /hooks/post-user-registration`): the original's parameters as they are;
- a Cognito user pool *Post Confirmation* trigger (`PostConfirmation_ConfirmSignUp` only: a
  confirmed password reset is not a registration);
- an Auth0 log event of type `ss` (successful signup) from Auth0's EventBridge partner event source.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Origin, Registration, registration_id
from .validation import validate_registration

API = "api"
COGNITO = "cognito"
AUTH0_EVENTBRIDGE = "auth0-eventbridge"

COGNITO_SIGN_UP = "PostConfirmation_ConfirmSignUp"
AUTH0_SIGN_UP = "ss"
_COGNITO_CUSTOM_PREFIX = "custom:"


class UnknownMessageError(ValueError):
    """A queue message that is none of the shapes a registration arrives in."""


def from_accept_body(body: dict[str, Any], caller: str) -> Registration:
    """A registration posted to the accept route by `caller`, the subject of the verified token
    (validated; raises `InvalidRequestError`)."""
    user, context = validate_registration(body)
    connection = context.get("connection") or {}
    tenant = user.get("tenant") or connection.get("tenant")
    origin = Origin(API, caller, str(connection.get("id") or connection.get("name") or ""))
    return Registration(id=registration_id(origin, tenant, user.get("id")), source=API, user=user, context=context)


def is_cognito_trigger(event: dict[str, Any]) -> bool:
    return isinstance(event.get("triggerSource"), str) and "userPoolId" in event


def _attribute_flag(value: Any) -> bool:
    # Cognito sends every attribute as a string: "true" / "false".
    return str(value).lower() == "true"


def from_cognito_trigger(event: dict[str, Any]) -> Registration | None:
    """The registration a Post Confirmation trigger reports, or None when it is not a sign-up."""
    if event.get("triggerSource") != COGNITO_SIGN_UP:
        return None
    attributes: dict[str, Any] = (event.get("request") or {}).get("userAttributes") or {}
    pool = str(event.get("userPoolId") or "")
    user_id = attributes.get("sub") or event.get("userName")
    user = {
        "id": user_id,
        "tenant": pool,
        "username": event.get("userName"),
        "email": attributes.get("email"),
        "emailVerified": _attribute_flag(attributes.get("email_verified")),
        "phoneNumber": attributes.get("phone_number"),
        "phoneNumberVerified": _attribute_flag(attributes.get("phone_number_verified")),
        # Custom attributes are what the user (or the sign-up form) chose: user_metadata.
        "user_metadata": {
            name.removeprefix(_COGNITO_CUSTOM_PREFIX): value
            for name, value in attributes.items()
            if name.startswith(_COGNITO_CUSTOM_PREFIX)
        },
        "app_metadata": {},
    }
    client_id = (event.get("callerContext") or {}).get("clientId")
    context = {
        "requestLanguage": attributes.get("locale"),
        "connection": {"id": client_id or pool, "name": pool, "tenant": pool},
    }
    # Only the pool named by CognitoUserPoolArn may invoke the trigger: the pool speaks for its users.
    origin = Origin(COGNITO, pool, pool)
    return Registration(id=registration_id(origin, pool, user_id), source=COGNITO, user=user, context=context)


def is_eventbridge_event(message: dict[str, Any]) -> bool:
    return "detail-type" in message and isinstance(message.get("detail"), dict)


def _without_strategy_prefix(user_id: str | None) -> str | None:
    # The original's user.id is "the user GUID without the database prefix": auth0|abc -> abc.
    return user_id.split("|", 1)[-1] if user_id else None


def from_auth0_log_event(event: dict[str, Any]) -> Registration | None:
    """The registration an Auth0 `ss` log event reports, or None for any other log type."""
    data: dict[str, Any] = (event.get("detail") or {}).get("data") or {}
    if data.get("type") != AUTH0_SIGN_UP:
        return None
    # The sign-up request as Auth0 logged it; its password (if any) is never copied.
    signup: dict[str, Any] = (data.get("details") or {}).get("body") or {}
    tenant = data.get("tenant_name") or signup.get("tenant") or str(data.get("hostname") or "").split(".", 1)[0]
    user_id = _without_strategy_prefix(data.get("user_id"))
    email = signup.get("email") or (data.get("user_name") if "@" in str(data.get("user_name") or "") else None)
    user = {
        "id": user_id,
        "tenant": tenant,
        "username": signup.get("username"),
        "email": email,
        "emailVerified": bool(signup.get("email_verified", False)),
        "phoneNumber": signup.get("phone_number"),
        "phoneNumberVerified": bool(signup.get("phone_verified", False)),
        "user_metadata": signup.get("user_metadata") or {},
        "app_metadata": signup.get("app_metadata") or {},
    }
    context = {
        "requestLanguage": signup.get("language") or signup.get("ui_locales"),
        "connection": {"id": data.get("connection_id"), "name": data.get("connection"), "tenant": tenant},
    }
    # Only Auth0 can put events of its partner source (the event's `source`) on the partner bus.
    origin = Origin(AUTH0_EVENTBRIDGE, str(event.get("source") or ""), str(data.get("connection_id") or ""))
    registration = registration_id(origin, tenant, user_id)
    return Registration(id=registration, source=AUTH0_EVENTBRIDGE, user=user, context=context)


def from_message(body: str) -> Registration | None:
    """The registration in an SQS message body, or None for an event that is not a sign-up.

    The accept route and the Cognito trigger enqueue a registration already normalised; an
    EventBridge rule delivers Auth0's event as it is, normalised here.
    """
    try:
        message = json.loads(body)
    except ValueError as exc:
        raise UnknownMessageError("the message body is not JSON") from exc
    if not isinstance(message, dict):
        raise UnknownMessageError("the message body is not a JSON object")
    if is_eventbridge_event(message):
        return from_auth0_log_event(message)
    if isinstance(message.get("id"), str) and isinstance(message.get("user"), dict):
        return Registration(
            id=message["id"],
            source=str(message.get("source") or API),
            user=message["user"],
            context=message.get("context") or {},
        )
    raise UnknownMessageError("the message is neither a registration nor an EventBridge event")
