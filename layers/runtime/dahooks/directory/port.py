"""The user directory as the users API sees it: a narrow port any directory can stand behind.

Users go in and come out Auth0-shaped (`user_id`, `username`, `email`, `email_verified`, `name`,
`given_name`, `family_name`, `blocked`, `created_at`, `updated_at`, `app_metadata` with
`department`, `user_metadata`), so hooks written for the original extension run unchanged and the
routes never learn which directory they talk to. Payloads for create and update are what the
write hook returns: the object the original sent to Auth0's Management API. The Cognito adapter
is `dahooks.directory.cognito`; an adapter over Auth0's Management API can follow without a
change to the routes.

Every method raises the runtime's own errors: `NotFoundError` (404) for an unknown user,
`InvalidRequestError` (400) for a payload the directory cannot store, `ConflictError` (409) for a
taken username or e-mail, `NotSupportedError` (400, saying why and what to do instead) for what
the directory cannot do, `ServiceUnavailableError` (503) when it stays unavailable or throttled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ..search.paging import DEFAULT_PER_PAGE, UserPage

if TYPE_CHECKING:
    from ..search.query import Query

User = dict[str, Any]
Payload = Mapping[str, Any]
Device = dict[str, Any]


class Directory(Protocol):
    """What the users API routes need from a user directory, and nothing more."""

    def get_user(self, user_id: str) -> User:
        """The user with this `user_id`."""
        ...

    def search_users(self, query: Query, *, per_page: int = DEFAULT_PER_PAGE, cursor: str | None = None) -> UserPage:
        """A page of the users `query` selects (the caller's search already joined with the filter hook's
        query), from `cursor` on; the page's `next` is the cursor of the page after it, or None."""
        ...

    def department_users(
        self, department: str, *, per_page: int = DEFAULT_PER_PAGE, cursor: str | None = None
    ) -> UserPage:
        """A page of the users of one department, read from the directory's own index of it."""
        ...

    def create_user(self, payload: Payload) -> User:
        """Create a user (in `app_metadata.department`, if given); nothing is left behind when it fails."""
        ...

    def update_user(self, user_id: str, payload: Payload) -> User:
        """Change profile fields, `app_metadata` and `user_metadata` (a null removes a field); the user after."""
        ...

    def delete_user(self, user_id: str) -> None: ...

    def set_password(self, user_id: str, password: str) -> None:
        """Give the user a new password they can sign in with at once."""
        ...

    def reset_password(self, user_id: str) -> None:
        """Start the directory's own password reset (it sends the user a code or link)."""
        ...

    def block_user(self, user_id: str) -> None:
        """Stop the user signing in, and end the sessions they have."""
        ...

    def unblock_user(self, user_id: str) -> None: ...

    def remove_mfa_provider(self, user_id: str, provider: str) -> None:
        """Turn off one multi-factor provider (a name from the user's `multifactor` list)."""
        ...

    def list_devices(self, user_id: str) -> list[Device]:
        """The devices the directory remembers for the user."""
        ...

    def change_email(self, user_id: str, email: str, *, verified: bool = False) -> User:
        """Set a new e-mail address, verified or not; the user after."""
        ...

    def change_username(self, user_id: str, username: str) -> User: ...

    def send_verification_email(self, user_id: str) -> None: ...


__all__ = ["Device", "Directory", "Payload", "User", "UserPage"]
