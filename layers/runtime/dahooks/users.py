"""Small helpers the sample hooks share about dashboard users."""

from __future__ import annotations

from typing import Any


def department_of(user: dict[str, Any] | None) -> str | None:
    """The user's `app_metadata.department`, or None when it is missing or empty.

    The original samples tested `!department || !department.length`; a non-string value counts
    as no department here rather than crashing the hook.
    """
    metadata = (user or {}).get("app_metadata")
    department = metadata.get("department") if isinstance(metadata, dict) else None
    return department if isinstance(department, str) and department else None


METADATA = ("app_metadata", "user_metadata")


def settable_metadata(payload: dict[str, Any], user_fields: list[Any], method: str | None) -> dict[str, dict[str, Any]]:
    """The parts of the payload's `app_metadata` and `user_metadata` the settings' `userFields` let
    a dashboard user set, by container (a container with nothing settable is left out).

    A field `{"property": "app_metadata.<key>", ...}` may be set on create when its `create` is set,
    on update when its `edit` is (a flag or the field's form options, as the original read them);
    any other key the caller sent is dropped. Nested properties (`user_metadata.address.city`)
    keep just that path.
    """
    flag = "create" if method == "create" else "edit"
    kept: dict[str, dict[str, Any]] = {}
    for field in user_fields:
        if not isinstance(field, dict) or not field.get(flag) or not isinstance(field.get("property"), str):
            continue
        container, dot, rest = field["property"].partition(".")
        if container not in METADATA or not dot:
            continue
        if "." not in rest:  # one key, as most fields are: read and set without walking a path
            source = payload.get(container)
            if isinstance(source, dict) and rest in source:
                kept.setdefault(container, {})[rest] = source[rest]
            continue
        path = rest.split(".")
        found, value = _value_at(payload.get(container), path)
        if found:
            _set_at(kept.setdefault(container, {}), path, value)
    return kept


def _value_at(node: Any, path: list[str]) -> tuple[bool, Any]:
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return False, None
        node = node[key]
    return True, node


def _set_at(target: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
    target[path[-1]] = value
