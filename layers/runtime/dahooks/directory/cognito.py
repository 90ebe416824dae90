"""The user directory on an Amazon Cognito user pool (boto3 `cognito-idp`).

boto3 is imported only when the first call needs a client (or never, when one is injected); the
endpoint comes from boto3's own configuration (`AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` points it at a local
emulator), so there is no test-only branch. See `mapping` for how users, metadata and departments
sit in the pool, and `dahooks.search` for how searches become listings.

Cognito's quotas shape every call: no listing asks for more than 60 rows (its Limit), a search
page makes at most `max_calls_per_page` calls, throttling is retried by botocore with back-off
and then answered 503, and nothing here loops over users one call each.

What Cognito cannot do raises `NotSupportedError` with the reason and the alternative: a
username never changes, and no administrator call sends a verification e-mail.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from ..aws_clients import new_client
from ..aws_errors import error_code, error_message
from ..exceptions import InvalidRequestError, NotSupportedError
from ..logs import logger
from ..search.paging import DEFAULT_MAX_CALLS, DEFAULT_PER_PAGE, MAX_CHUNK, Chunk, Pager, UserPage
from ..search.planning import DEPARTMENT_FIELD, AttributeListing, DepartmentListing, PushdownRules, Source
from ..search.query import Pattern, Query, Term
from .cognito_errors import translated_errors
from .mapping import MFA_PROVIDERS, DirectoryMapping, as_attribute_list, department_in, timestamp

if TYPE_CHECKING:
    from ..search.cursor import CursorCodec
    from ..search.matching import SearchSemantics
    from .port import Device, Payload, User

# Auth0 field → the Cognito attribute ListUsers can filter on (`=` and `^=`).
FILTER_ATTRIBUTES: Mapping[str, str] = {
    "user_id": "username",
    "username": "username",
    "email": "email",
    "phone_number": "phone_number",
    "name": "name",
    "given_name": "given_name",
    "family_name": "family_name",
}
# `blocked:true` is exactly Cognito's `status = "Disabled"`.
STATUS_FOR_BLOCKED: Mapping[str, str] = {"true": "Disabled", "false": "Enabled"}
MAX_FILTER_VALUE_LENGTH = 200  # Cognito caps the whole Filter string at 256 characters
CREATE_FIELDS = frozenset(
    {
        "email",
        "email_verified",
        "name",
        "given_name",
        "family_name",
        "nickname",
        "picture",
        "phone_number",
        "phone_verified",
        "app_metadata",
        "user_metadata",
    }
)
# On update, e-mail, username, password and blocked have routes of their own (change-email, ...).
UPDATE_FIELDS = CREATE_FIELDS - {"email"}
IGNORED_ON_CREATE = frozenset({"connection"})  # an Auth0 concept: a pool is one connection
MFA_SETTINGS: Mapping[str, str] = {
    "SOFTWARE_TOKEN_MFA": "SoftwareTokenMfaSettings",
    "SMS_MFA": "SMSMfaSettings",
    "EMAIL_OTP": "EmailMfaSettings",
}
MAX_DEVICE_PAGES = 2

USERNAME_NEVER_CHANGES = (
    "Cognito never changes a username. Create a user with the new username and delete this one, "
    "or let the user sign in with their e-mail address (an alias) instead."
)
NO_VERIFICATION_EMAIL = (
    "Cognito has no administrator call that sends a verification e-mail: the user verifies the address "
    "when signing in, or from their own profile. An administrator can mark it verified with change-email."
)


@dataclass(frozen=True)
class CognitoSettings:
    """The pool, the attribute mapping, and how hard to try before answering 503."""

    user_pool_id: str
    mapping: DirectoryMapping = field(default_factory=DirectoryMapping)
    retry_mode: str = "standard"  # or "adaptive": botocore also slows itself down after throttling
    max_attempts: int = 3  # in all; throttling waits rand * 1 s * 2**i between attempts
    connect_timeout: float = 1.0
    read_timeout: float = 3.0
    max_calls_per_page: int = DEFAULT_MAX_CALLS


def client_config(settings: CognitoSettings) -> Any:
    """botocore's Config for the client: retry mode, attempts and timeouts."""
    from botocore.config import Config

    if settings.retry_mode not in ("standard", "adaptive"):
        raise ValueError(f"retry_mode must be 'standard' or 'adaptive', not {settings.retry_mode!r}")
    return Config(
        retries={"mode": settings.retry_mode, "total_max_attempts": settings.max_attempts},
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
    )


class CognitoDirectory:
    """`Directory` over one Cognito user pool; also the `Listing` its searches read from."""

    def __init__(
        self,
        settings: CognitoSettings,
        cursor_codec: CursorCodec,
        client: Any = None,
        semantics: SearchSemantics | None = None,
    ) -> None:
        self.settings = settings
        self.mapping = settings.mapping
        self._client = client
        self._lock = threading.Lock()
        rules = PushdownRules(
            attribute_fields=frozenset(FILTER_ATTRIBUTES),
            flag_fields=frozenset({"blocked"}),
            max_value_length=MAX_FILTER_VALUE_LENGTH,
            indexes_department=lambda department: self.mapping.group_for_department(department) is not None,
        )
        self.pager = Pager(self, cursor_codec, rules, semantics, settings.max_calls_per_page)

    def client(self) -> Any:
        """The cognito-idp client, built on first use."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = new_client("cognito-idp", config=client_config(self.settings))
        return self._client

    def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        with translated_errors(operation):
            return self._raw_call(operation, **params)

    def _raw_call(self, operation: str, **params: Any) -> dict[str, Any]:
        method = getattr(self.client(), operation)
        return cast("dict[str, Any]", method(UserPoolId=self.settings.user_pool_id, **params))

    # Reading

    def get_user(self, user_id: str) -> User:
        return self.mapping.user_from_record(self._call("admin_get_user", Username=user_id))

    def search_users(self, query: Query, *, per_page: int = DEFAULT_PER_PAGE, cursor: str | None = None) -> UserPage:
        return self.pager.page(query, per_page, cursor)

    def department_users(
        self, department: str, *, per_page: int = DEFAULT_PER_PAGE, cursor: str | None = None
    ) -> UserPage:
        return self.pager.page(Term(DEPARTMENT_FIELD, Pattern.literal(department)), per_page, cursor)

    def list_chunk(self, source: Source, token: str | None, limit: int) -> Chunk:
        """One call's worth of a listing (the pager's `Listing`); never more than Cognito's 60 rows."""
        from botocore.exceptions import ClientError

        limit = max(1, min(limit, MAX_CHUNK))
        with translated_errors("list users"):
            try:
                response, token_key = self._list(source, token, limit)
            except ClientError as exc:
                if token is not None and error_code(exc) in ("InvalidParameterException", "InvalidToken"):
                    raise InvalidRequestError(
                        "cursor", "the directory no longer accepts it; start the listing again"
                    ) from exc
                if isinstance(source, DepartmentListing) and self._missing_group(exc):
                    return Chunk((), None)  # a department nobody was created in yet
                raise
        rows = [self.mapping.user_from_record(record) for record in response.get("Users") or []]
        return Chunk(rows, response.get(token_key) or None)

    def _list(self, source: Source, token: str | None, limit: int) -> tuple[dict[str, Any], str]:
        if isinstance(source, DepartmentListing):
            group = self.mapping.group_for_department(source.department)
            paging = {"NextToken": token} if token else {}
            return self._raw_call("list_users_in_group", GroupName=group, Limit=limit, **paging), "NextToken"
        params: dict[str, Any] = {"Limit": limit}
        if token:
            params["PaginationToken"] = token
        if isinstance(source, AttributeListing):
            params["Filter"] = cognito_filter(source)
        return self._raw_call("list_users", **params), "PaginationToken"

    def _missing_group(self, exc: Exception) -> bool:
        """True when the group does not exist; a missing pool (its id in the message) is a deployment error."""
        return error_code(exc) == "ResourceNotFoundException" and self.settings.user_pool_id not in error_message(exc)

    def list_devices(self, user_id: str) -> list[Device]:
        devices: list[Device] = []
        token: str | None = None
        for _ in range(MAX_DEVICE_PAGES):
            paging = {"PaginationToken": token} if token else {}
            response = self._call("admin_list_devices", Username=user_id, Limit=MAX_CHUNK, **paging)
            devices.extend(_device(item, user_id) for item in response.get("Devices") or [])
            token = response.get("PaginationToken")
            if not token:
                break
        return devices

    # Changing

    def create_user(self, payload: Payload) -> User:
        username, password, attributes = self._new_user(payload)
        has_department, department = department_in(payload)
        params: dict[str, Any] = {"Username": username, "UserAttributes": as_attribute_list(attributes)}
        if password is not None:
            params["MessageAction"] = "SUPPRESS"  # the administrator chose the password: no invitation
        else:
            params["DesiredDeliveryMediums"] = ["EMAIL"]  # Cognito mails an invitation with a temporary one
        record = self._call("admin_create_user", **params)["User"]
        try:
            if password is not None:
                self._call("admin_set_user_password", Username=username, Password=password, Permanent=True)
            if has_department and department is not None:
                self._join_department(username, department)
        except Exception:
            self._undo_create(username)
            raise
        return self.mapping.user_from_record(record)

    def _new_user(self, payload: Payload) -> tuple[str, str | None, dict[str, str]]:
        unknown = sorted(set(payload) - CREATE_FIELDS - IGNORED_ON_CREATE - {"username", "password"})
        if unknown:
            raise InvalidRequestError(unknown[0], "cannot be set when creating a user in this directory")
        username = payload.get("username") or payload.get("email")
        if not isinstance(username, str) or not username:
            raise InvalidRequestError("username", "a username (or an email) is required")
        password = payload.get("password")
        if password is not None and (not isinstance(password, str) or not password):
            raise InvalidRequestError("password", "must be a non-empty string")
        fields = {name: value for name, value in payload.items() if name in CREATE_FIELDS}
        attributes, _ = self.mapping.attribute_changes(_without_nulls(fields), CREATE_FIELDS)
        return username, password, attributes

    def _undo_create(self, username: str) -> None:
        """Delete a user whose creation failed half-way, so no user is left outside any department."""
        try:
            self._raw_call("admin_delete_user", Username=username)
        except Exception:
            logger.exception(
                "ORPHAN USER: a create failed half-way and the user could not be deleted again; delete it by hand",
                extra={"user_pool_id": self.settings.user_pool_id, "username": username},
            )
        else:
            logger.warning("a create failed half-way; the new user was deleted again", extra={"username": username})

    def update_user(self, user_id: str, payload: Payload) -> User:
        record = self._call("admin_get_user", Username=user_id)
        current = self.mapping.user_from_record(record)
        self._refuse_identity_changes(payload, current)
        fields = {name: value for name, value in payload.items() if name not in ("email", "username")}
        to_set, to_delete = self.mapping.attribute_changes(fields, UPDATE_FIELDS)
        held = {item["Name"] for item in record.get("UserAttributes") or []}
        to_delete = [name for name in to_delete if name in held]  # removing what is not there is no change
        moves, new_department = department_in(payload)
        old_department = (current.get("app_metadata") or {}).get("department")
        moving = moves and new_department != old_department
        # Join the new department's index before the attribute says so, and leave the old one only
        # after: at every step a listing of either department holds at most who it should.
        if moving and new_department is not None:
            self._join_department(user_id, new_department)
        if to_set:
            self._call("admin_update_user_attributes", Username=user_id, UserAttributes=as_attribute_list(to_set))
        if to_delete:
            self._call("admin_delete_user_attributes", Username=user_id, UserAttributeNames=to_delete)
        if moving and old_department:
            self._leave_department(user_id, old_department)
        return self.get_user(user_id)

    def _refuse_identity_changes(self, payload: Payload, current: User) -> None:
        if "username" in payload and payload["username"] != current["username"]:
            raise NotSupportedError(USERNAME_NEVER_CHANGES)
        if "email" in payload and payload["email"] != current.get("email"):
            raise InvalidRequestError("email", "change it with change-email")
        for name, route in (("password", "change-password"), ("blocked", "block or unblock")):
            if name in payload:
                raise InvalidRequestError(name, f"change it with {route}")

    def _join_department(self, username: str, department: str) -> None:
        group = self.mapping.group_for_department(department)
        if group is None:
            raise InvalidRequestError("app_metadata.department", "is too long or empty for the directory")
        from botocore.exceptions import ClientError

        with translated_errors("add to department"):
            try:
                self._raw_call("admin_add_user_to_group", Username=username, GroupName=group)
                return
            except ClientError as exc:
                if error_code(exc) != "ResourceNotFoundException":
                    raise
            try:  # the department's first user: create its group, then join it
                self._raw_call("create_group", GroupName=group, Description=f"Users of the department {department}")
            except ClientError as exc:
                if error_code(exc) != "GroupExistsException":
                    raise
            self._raw_call("admin_add_user_to_group", Username=username, GroupName=group)

    def _leave_department(self, username: str, department: str) -> None:
        group = self.mapping.group_for_department(department)
        if group is None:
            return
        try:
            self._call("admin_remove_user_from_group", Username=username, GroupName=group)
        except Exception:
            # The attribute already names the new department, so the old listing filters this user
            # out in code; the stale membership costs a row read, not a leak.
            logger.exception("a user left a department but is still in its group", extra={"group": group})

    def delete_user(self, user_id: str) -> None:
        self._call("admin_delete_user", Username=user_id)

    def set_password(self, user_id: str, password: str) -> None:
        self._call("admin_set_user_password", Username=user_id, Password=password, Permanent=True)

    def reset_password(self, user_id: str) -> None:
        from botocore.exceptions import ClientError

        with translated_errors("reset password"):
            try:
                self._raw_call("admin_reset_user_password", Username=user_id)
            except ClientError as exc:
                code = error_code(exc)
                if code == "InvalidParameterException":
                    raise NotSupportedError(
                        "Cognito sends a reset code only to a verified e-mail address or phone number, and this "
                        "user has neither. Set a new password with change-password, or verify the e-mail first."
                    ) from exc
                if code == "NotAuthorizedException":
                    raise NotSupportedError(
                        "Cognito resets the password only of an enabled user who has signed in before (this one "
                        "is blocked, or still has the temporary password of their invitation). Unblock the "
                        "user, or set a password with change-password."
                    ) from exc
                raise

    def block_user(self, user_id: str) -> None:
        # Disable first: from then on nobody can sign in; then end the sessions the user has.
        self._call("admin_disable_user", Username=user_id)
        self._call("admin_user_global_sign_out", Username=user_id)

    def unblock_user(self, user_id: str) -> None:
        self._call("admin_enable_user", Username=user_id)

    def remove_mfa_provider(self, user_id: str, provider: str) -> None:
        cognito_name = next((name for name, shown in MFA_PROVIDERS.items() if shown == provider), None)
        if cognito_name is None:
            known = ", ".join(MFA_PROVIDERS.values())
            raise NotSupportedError(f"Cognito has no multi-factor provider {provider!r}; it has {known}.")
        setting = {MFA_SETTINGS[cognito_name]: {"Enabled": False, "PreferredMfa": False}}
        self._call("admin_set_user_mfa_preference", Username=user_id, **setting)

    def change_email(self, user_id: str, email: str, *, verified: bool = False) -> User:
        changes, _ = self.mapping.attribute_changes({"email": email, "email_verified": verified}, CREATE_FIELDS)
        self._call("admin_update_user_attributes", Username=user_id, UserAttributes=as_attribute_list(changes))
        return self.get_user(user_id)

    def change_username(self, user_id: str, username: str) -> User:
        raise NotSupportedError(USERNAME_NEVER_CHANGES)

    def send_verification_email(self, user_id: str) -> None:
        raise NotSupportedError(NO_VERIFICATION_EMAIL)


def cognito_filter(listing: AttributeListing) -> str:
    """The ListUsers Filter for a listing the planner chose (its value is plain text: no quote, no backslash)."""
    if listing.field == "blocked":
        return f'status = "{STATUS_FOR_BLOCKED[listing.value]}"'
    return f'{FILTER_ATTRIBUTES[listing.field]} {listing.operator} "{listing.value}"'


def _without_nulls(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A create payload's fields, nulls left out (there is nothing to delete yet)."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, Mapping):
            value = {key: item for key, item in value.items() if item is not None}
        if value is not None:
            cleaned[name] = value
    return cleaned


def _device(item: Mapping[str, Any], user_id: str) -> Device:
    attributes = {entry["Name"]: entry["Value"] for entry in item.get("DeviceAttributes") or []}
    device: Device = {"id": item.get("DeviceKey"), "user_id": user_id, "device_name": attributes.get("device_name")}
    for name, key in (
        ("created_at", "DeviceCreateDate"),
        ("updated_at", "DeviceLastModifiedDate"),
        ("last_authenticated_at", "DeviceLastAuthenticatedDate"),
    ):
        if item.get(key) is not None:
            device[name] = timestamp(item[key])
    return device
