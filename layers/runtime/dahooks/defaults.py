"""What each hook answers when its function ships no `hook.py`: the original's "not configured" answers.

Each default is in a shape its hook type's result checker accepts; `hook_types` says which is whose.
"""

from __future__ import annotations

from typing import Any

# The fields of a create payload the Management API accepts as they are.
_CREATE_FIELDS = ("email", "password", "connection", "username", "user_metadata", "app_metadata")


def unrestricted(body: dict[str, Any]) -> None:
    """Filter: every user; access: allowed (both say so with no result)."""


def user_as_sent(body: dict[str, Any]) -> dict[str, Any]:
    """Write: the update as sent, or the fields of a create the Management API accepts."""
    payload: dict[str, Any] = body.get("payload") or {}
    if body.get("method") == "update":
        return payload
    return {name: payload[name] for name in _CREATE_FIELDS if name in payload}


def no_memberships(body: dict[str, Any]) -> dict[str, Any]:
    """Memberships: none to assign, none to create."""
    return {"memberships": [], "createMemberships": False}


def empty_object(body: dict[str, Any]) -> dict[str, Any]:
    """Settings: the dashboard's own; custom domain: Auth0's default."""
    return {}
