"""The accept route's body, checked against the original hook's documented parameters.

`{"user": {...}, "context": {...}}` as the original's Runner sent it. Each documented field must
have its documented type; a bad one is a 400 naming it (`user.emailVerified`), checked before
anything is enqueued. Undocumented fields pass through untouched, as they did in the original.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidRequestError
from ..validation import expect

USER_FIELDS: dict[str, type] = {
    "id": str,
    "tenant": str,
    "username": str,
    "email": str,
    "emailVerified": bool,
    "phoneNumber": str,
    "phoneNumberVerified": bool,
    "user_metadata": dict,
    "app_metadata": dict,
}
CONNECTION_FIELDS: dict[str, type] = {"id": str, "name": str, "tenant": str}
# Without one of these there is nobody to announce: the Slack sample needs a name or an email.
IDENTIFYING_FIELDS = ("id", "username", "email", "phoneNumber")


def _check_fields(value: dict[str, Any], fields: dict[str, type], prefix: str) -> None:
    for name, kind in fields.items():
        expect(value.get(name), kind, f"{prefix}.{name}")


def validate_registration(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The body's `user` and `context`, or `InvalidRequestError` naming the first bad field."""
    user = expect(body.get("user"), dict, "user", optional=False)
    _check_fields(user, USER_FIELDS, "user")
    if not any(user.get(name) for name in IDENTIFYING_FIELDS):
        raise InvalidRequestError("user", f"must have at least one of {', '.join(IDENTIFYING_FIELDS)}")
    context = expect(body.get("context"), dict, "context") or {}
    expect(context.get("requestLanguage"), str, "context.requestLanguage")
    connection = expect(context.get("connection"), dict, "context.connection")
    if connection is not None:
        _check_fields(connection, CONNECTION_FIELDS, "context.connection")
    # `secrets` is filled by the worker from Secrets Manager; a caller may not supply its own.
    if "secrets" in context:
        raise InvalidRequestError("context.secrets", "is set by the worker and may not be sent")
    return user, context
