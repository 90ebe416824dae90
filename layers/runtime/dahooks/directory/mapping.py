"""How an Auth0-shaped user sits in a Cognito user pool, both ways.

- `user_id` and `username` are the Cognito Username: stable (Cognito never renames a user) and
  what every Admin* call takes.
- Profile fields map to the standard attributes of the same name (`phone_verified` to
  `phone_number_verified`); `email` is stored in lower case, as Auth0 stores it, so searching it
  exactly is both right and cheap. `blocked` is the opposite of Cognito's `Enabled`;
  `created_at`/`updated_at` are its create and last-modified dates, in Auth0's format.
- `app_metadata` and `user_metadata` keys map to attributes one by one (`app_metadata_attributes`,
  `user_metadata_attributes`); by default `app_metadata.department` is `custom:department`.
  App metadata is what administrators set and users must not: give the pool's app clients no
  write permission on these attributes, or a user could move themselves to another department.
- A department is also a Cognito group, `department:<name>` (`department_group_prefix`), so a
  department's users are listed from Cognito's own index (ListUsersInGroup), never by scanning the
  pool. The attribute is what a user's department *is* (every row carries it, so hooks and the
  in-code search read it for free); the group is an index this adapter keeps in step on every
  write, and a listing only ever narrows with it: a user in the Finance group whose attribute says
  HR is not shown as Finance. Group names cannot hold spaces or control characters, so those
  (and `%`) are percent-encoded: `Human Resources` is the group `department:Human%20Resources`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from ..exceptions import InvalidRequestError

DEPARTMENT = "department"
# Auth0 field → Cognito standard attribute; the *_verified ones are booleans ("true"/"false").
PROFILE_ATTRIBUTES: Mapping[str, str] = {
    "email": "email",
    "email_verified": "email_verified",
    "name": "name",
    "given_name": "given_name",
    "family_name": "family_name",
    "nickname": "nickname",
    "picture": "picture",
    "phone_number": "phone_number",
    "phone_verified": "phone_number_verified",
}
BOOLEAN_FIELDS = frozenset({"email_verified", "phone_verified"})
# Cognito's names in UserMFASettingList → the provider names the users API shows and removes.
MFA_PROVIDERS: Mapping[str, str] = {
    "SOFTWARE_TOKEN_MFA": "google-authenticator",
    "SMS_MFA": "sms",
    "EMAIL_OTP": "email",
}
MAX_ATTRIBUTE_LENGTH = 2048  # Cognito's limit for an attribute value
MAX_GROUP_NAME_LENGTH = 128  # Cognito's limit for a group name
_GROUP_NAME_CATEGORIES = ("L", "M", "S", "N", "P")  # what Cognito allows in a group name, by Unicode category


def _default_app_metadata() -> dict[str, str]:
    return {DEPARTMENT: "custom:department"}


@dataclass(frozen=True)
class DirectoryMapping:
    """The configurable part: which attributes hold the metadata, and how departments are named as groups."""

    app_metadata_attributes: Mapping[str, str] = field(default_factory=_default_app_metadata)
    user_metadata_attributes: Mapping[str, str] = field(default_factory=dict)
    department_group_prefix: str = "department:"

    def group_for_department(self, department: str) -> str | None:
        """The group that indexes `department`, or None when no valid group name can hold it."""
        encoded = "".join(
            char if char != "%" and unicodedata.category(char)[0] in _GROUP_NAME_CATEGORIES else quote(char, safe="")
            for char in department
        )
        name = self.department_group_prefix + encoded
        return name if department and len(name) <= MAX_GROUP_NAME_LENGTH else None

    def department_of_group(self, group: str) -> str | None:
        """The department a group indexes, or None for any other group (roles, say)."""
        if not group.startswith(self.department_group_prefix):
            return None
        return unquote(group[len(self.department_group_prefix) :]) or None

    def user_from_record(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The Auth0-shaped user for a Cognito user record (from ListUsers, ListUsersInGroup or AdminGetUser)."""
        attributes = {
            item["Name"]: item["Value"] for item in record.get("Attributes") or record.get("UserAttributes") or []
        }
        username = str(record["Username"])
        user: dict[str, Any] = {"user_id": username, "username": username}
        for name, attribute in PROFILE_ATTRIBUTES.items():
            if attribute in attributes:
                value = attributes[attribute]
                user[name] = value == "true" if name in BOOLEAN_FIELDS else value
        if "email" in user:
            user.setdefault("email_verified", False)
        user["blocked"] = not record.get("Enabled", True)
        for name, key in (("created_at", "UserCreateDate"), ("updated_at", "UserLastModifiedDate")):
            if record.get(key) is not None:
                user[name] = timestamp(record[key])
        user["app_metadata"] = _metadata(attributes, self.app_metadata_attributes)
        user["user_metadata"] = _metadata(attributes, self.user_metadata_attributes)
        if "UserMFASettingList" in record:
            user["multifactor"] = [MFA_PROVIDERS.get(name, name) for name in record["UserMFASettingList"] or []]
        return user

    def attribute_changes(self, payload: Mapping[str, Any], fields: frozenset[str]) -> tuple[dict[str, str], list[str]]:
        """Cognito attributes to set, and to delete (for a null), for the `fields` of `payload` that map to one.

        Profile fields must be in `fields`; `app_metadata`/`user_metadata` keys must be mapped.
        Anything else the directory cannot store is an `InvalidRequestError` naming it.
        """
        to_set: dict[str, str] = {}
        to_delete: list[str] = []

        def put(path: str, attribute: str, value: Any) -> None:
            if value is None:
                to_delete.append(attribute)
            else:
                to_set[attribute] = _attribute_value(path, value, boolean=path in BOOLEAN_FIELDS)

        for name, value in payload.items():
            if name in fields and name in PROFILE_ATTRIBUTES:
                put(
                    name,
                    PROFILE_ATTRIBUTES[name],
                    value.lower() if name == "email" and isinstance(value, str) else value,
                )
            elif name in ("app_metadata", "user_metadata") and name in fields:
                mapped = self.app_metadata_attributes if name == "app_metadata" else self.user_metadata_attributes
                for key, item in _object(name, value).items():
                    if key not in mapped:
                        raise InvalidRequestError(
                            f"{name}.{key}", "is not stored by this directory (see the attribute mapping)"
                        )
                    put(f"{name}.{key}", mapped[key], item)
            else:
                raise InvalidRequestError(name, "cannot be set here")
        return to_set, to_delete

    def department_attribute(self) -> str:
        return self.app_metadata_attributes[DEPARTMENT]


def department_in(payload: Mapping[str, Any]) -> tuple[bool, str | None]:
    """Whether `payload` sets `app_metadata.department`, and to what (None: removes it)."""
    metadata = payload.get("app_metadata")
    if not isinstance(metadata, Mapping) or DEPARTMENT not in metadata:
        return False, None
    department = metadata[DEPARTMENT]
    if department is not None and (not isinstance(department, str) or not department):
        raise InvalidRequestError("app_metadata.department", "must be a non-empty string or null")
    return True, department


def as_attribute_list(attributes: Mapping[str, str]) -> list[dict[str, str]]:
    """Cognito's `[{"Name": ..., "Value": ...}]` form."""
    return [{"Name": name, "Value": value} for name, value in attributes.items()]


def _metadata(attributes: Mapping[str, str], mapped: Mapping[str, str]) -> dict[str, str]:
    return {key: attributes[attribute] for key, attribute in mapped.items() if attribute in attributes}


def _object(path: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidRequestError(path, "must be an object")
    return value


def _attribute_value(path: str, value: Any, boolean: bool) -> str:
    if boolean:
        if not isinstance(value, bool):
            raise InvalidRequestError(path, "must be true or false")
        return "true" if value else "false"
    if not isinstance(value, str):
        raise InvalidRequestError(path, "must be a string")
    if len(value) > MAX_ATTRIBUTE_LENGTH:
        raise InvalidRequestError(path, f"is longer than the directory's {MAX_ATTRIBUTE_LENGTH} characters")
    return value


def timestamp(value: Any) -> str:
    """Auth0's timestamp format, `2024-05-01T12:00:00.000Z`, for a datetime; other values as text."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return str(value)
