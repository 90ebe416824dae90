"""What each hook answers when its function ships no `hook.py` (§1, "not configured")."""

from __future__ import annotations

from typing import Any

# The fields of a create payload the Management API accepts as they are.
_CREATE_FIELDS = ("email", "password", "connection", "username", "user_metadata", "app_metadata")


def default_result(hook_name: str, body: dict[str, Any]) -> Any:
    """The unconfigured result for `hook_name`, in a shape its result checker accepts."""
    payload = body.get("payload") or {}
    if hook_name == "write":
        if body.get("method") == "update":
            return payload
        return {name: payload[name] for name in _CREATE_FIELDS if name in payload}
    if hook_name == "memberships":
        return {"memberships": [], "createMemberships": False}
    if hook_name in ("settings", "custom-domain"):
        return {}
    return None  # filter: every user; access: allowed
