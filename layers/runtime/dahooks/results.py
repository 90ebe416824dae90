"""What each hook may return, normalised to the response body the API documents (openapi.yaml).

A hook may answer in the original's loose style (a bare string for filter, a list for
memberships); the checker turns every accepted shape into the one body the API documents and
raises `ResultShapeError` for anything else, which the handler reports as 500 `HookFailed`.
"""

from __future__ import annotations

import re
from typing import Any

MAX_HOST_NAME = 253
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")


class ResultShapeError(ValueError):
    """The hook's result is not one this hook type may return; the message says what was expected."""


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def check_filter(result: Any) -> dict[str, Any]:
    if isinstance(result, dict) and set(result) == {"query"}:
        result = result["query"]
    if result is None or isinstance(result, str):
        return {"query": result}
    raise ResultShapeError(f"expected a string, null or {{'query': ...}}, got {_type_name(result)}")


def check_access(result: Any) -> dict[str, Any]:
    if result is None or isinstance(result, dict):
        return {"allowed": True, "user": result}
    raise ResultShapeError(f"expected nothing or a user object, got {_type_name(result)}")


def check_write(result: Any) -> dict[str, Any]:
    if isinstance(result, dict):
        return {"user": result}
    raise ResultShapeError(f"expected a user object, got {_type_name(result)}")


def _check_membership_list(value: Any) -> list[str]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise ResultShapeError("expected memberships as a list of strings")


def check_memberships(result: Any) -> dict[str, Any]:
    if isinstance(result, list):
        return {"memberships": _check_membership_list(result), "createMemberships": False}
    if isinstance(result, dict) and "memberships" in result and set(result) <= {"memberships", "createMemberships"}:
        create = result.get("createMemberships", False)
        if not isinstance(create, bool):
            raise ResultShapeError("expected createMemberships to be true or false")
        return {"memberships": _check_membership_list(result["memberships"]), "createMemberships": create}
    raise ResultShapeError(
        f"expected a list or {{'memberships': [...], 'createMemberships': bool}}, got {_type_name(result)}"
    )


def check_settings(result: Any) -> dict[str, Any]:
    if isinstance(result, dict):
        return {"settings": result}
    raise ResultShapeError(f"expected a settings object, got {_type_name(result)}")


def is_host_name(value: str) -> bool:
    """A DNS host name (RFC 1123 labels) of at most 253 characters, with at least one dot."""
    if not value or len(value) > MAX_HOST_NAME:
        return False
    labels = value.split(".")
    return len(labels) >= 2 and all(_HOST_LABEL.match(label) for label in labels)


def check_custom_domain(result: Any) -> dict[str, Any]:
    if result is None or result == {}:
        return {}
    if isinstance(result, dict) and set(result) == {"customDomain"}:
        domain = result["customDomain"]
        if isinstance(domain, str) and is_host_name(domain):
            return {"customDomain": domain}
        raise ResultShapeError("expected customDomain to be a valid host name of at most 253 characters")
    if isinstance(result, dict) and set(result) == {"useCanonicalDomain"} and result["useCanonicalDomain"] is True:
        return {"useCanonicalDomain": True}
    raise ResultShapeError("expected {}, {'customDomain': host} or {'useCanonicalDomain': true}")
