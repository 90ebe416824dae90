"""The settings hook's `userFields`, applied to a create or profile-update body as the original did.

When the settings define user fields, a field whose `create` (on create) or `edit` (on update) is
not set is dropped from the body before the write hook sees it, nested paths included
(`app_metadata.department`); on update only fields marked `edit`, and none of the identity fields
that have routes of their own (username, e-mail, password), are kept. A kept field whose
`create`/`edit` object says `required` must have a value, and one with `options` must hold one of
them. The original also ran a JavaScript `validationFunction`; there is no JavaScript here, so it
is skipped with a warning, as the original skipped one that would not compile.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..exceptions import InvalidRequestError
from ..logs import logger

if TYPE_CHECKING:
    from collections.abc import Mapping

# Fields with routes of their own: a profile update never changes them.
IDENTITY_FIELDS = frozenset({"username", "email", "password", "repeatPassword", "connection"})


def for_create(payload: dict[str, Any], user_fields: Any) -> dict[str, Any]:
    """The create body as the write hook gets it."""
    return _apply(payload, user_fields, "create", only=None)


def for_update(payload: dict[str, Any], user_fields: Any) -> dict[str, Any]:
    """The profile-update body as the write hook gets it."""
    if not isinstance(user_fields, list):
        return payload
    editable = {
        str(field.get("property"))
        for field in _fields(user_fields)
        if field.get("edit") and field.get("property") not in IDENTITY_FIELDS
    }
    return _apply(payload, user_fields, "edit", only=editable)


def _fields(user_fields: list[Any]) -> list[Mapping[str, Any]]:
    return [field for field in user_fields if isinstance(field, dict) and isinstance(field.get("property"), str)]


def _apply(payload: dict[str, Any], user_fields: Any, kind: str, only: set[str] | None) -> dict[str, Any]:
    if not isinstance(user_fields, list):
        return payload
    fields = _fields(user_fields)

    def kept(field: Mapping[str, Any]) -> bool:
        return field["property"] in only if only is not None else bool(field.get(kind))

    problems = [problem for field in fields if kept(field) for problem in _problems(payload, field, kind)]
    if problems:
        raise InvalidRequestError("", "\n".join(problems))
    result = copy.deepcopy(payload)
    for field in fields:
        if not kept(field):
            _remove(result, field["property"])
    return result


def _problems(payload: Mapping[str, Any], field: Mapping[str, Any], kind: str) -> list[str]:
    rules = field.get(kind)
    if not isinstance(rules, dict):
        return []
    label = str(field.get("label") or field["property"])
    value = _value(payload, field["property"])
    if value is None or value == "" or value == []:
        return [f"{label}: required"] if rules.get("required") else []
    if rules.get("validationFunction"):
        logger.warning("skipping a userFields validationFunction: JavaScript does not run here", extra={"field": label})
    options = rules.get("options")
    if isinstance(options, list):
        allowed = [option.get("value") if isinstance(option, dict) else option for option in options]
        chosen = value.get("value") if isinstance(value, dict) else value
        if chosen not in allowed:
            return [f"{label}: {chosen} is not an allowed option"]
    return []


def _value(payload: Mapping[str, Any], path: str) -> Any:
    node: Any = payload
    for key in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _remove(payload: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    node: Any = payload
    for key in parents:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(last, None)
