"""The dashboard's four roles, what each may do, and how a caller's role is read from their token.

As in the original extension, a role is a set of permissions and each role has the permissions of
the ones below it; a caller in several role groups has the highest. A role is membership of a
directory group (`cognito:groups` in a Cognito access token); groups that are not roles (a
department's, say) are ignored, and a caller in none has no permission at all.

| group                           | role          | permissions                                   |
|---------------------------------|---------------|-----------------------------------------------|
| delegated-admin-auditor         | auditor       | read:users                                    |
| delegated-admin-user            | user          | read:users, manage:users                      |
| delegated-admin-operator        | operator      | read:users, manage:users, read:logs           |
| delegated-admin-administrator   | administrator | read:users, manage:users, read:logs, manage:config |

Reading routes (GET) need `read:users`, changing ones `manage:users`, the audit log `read:logs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..exceptions import ForbiddenError

if TYPE_CHECKING:
    from collections.abc import Iterable

READ_USERS = "read:users"
MANAGE_USERS = "manage:users"
READ_LOGS = "read:logs"
MANAGE_CONFIG = "manage:config"
GROUPS_CLAIM = "cognito:groups"


@dataclass(frozen=True)
class Role:
    name: str
    group: str
    permissions: tuple[str, ...]


# Lowest first: a caller's role is the last of these whose group they are in.
ROLES = (
    Role("auditor", "delegated-admin-auditor", (READ_USERS,)),
    Role("user", "delegated-admin-user", (READ_USERS, MANAGE_USERS)),
    Role("operator", "delegated-admin-operator", (READ_USERS, MANAGE_USERS, READ_LOGS)),
    Role("administrator", "delegated-admin-administrator", (READ_USERS, MANAGE_USERS, READ_LOGS, MANAGE_CONFIG)),
)
NO_ROLE = Role("none", "", ())


def groups_of(claim: object) -> list[str]:
    """The groups in a token's `cognito:groups` claim.

    API Gateway hands a JWT authorizer's claims to the function as strings, an array as `[a b c]`;
    a group name never holds a space (Cognito refuses one), so splitting on spaces is exact. A
    list (the claim as the token has it, from a direct invocation) is taken as it is.
    """
    if isinstance(claim, list):
        return [str(group) for group in claim]
    if not isinstance(claim, str):
        return []
    text = claim.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return text.split()


def role_of(groups: Iterable[str]) -> Role:
    """The highest role whose group is among `groups`, or `NO_ROLE`."""
    held = set(groups)
    found = NO_ROLE
    for role in ROLES:
        if role.group in held:
            found = role
    return found


def permission_for(method: str) -> str:
    """What a route of this method needs: reading is `read:users`, anything else `manage:users`."""
    return READ_USERS if method.upper() in ("GET", "HEAD") else MANAGE_USERS


def require(role: Role, permission: str) -> None:
    """`ForbiddenError` (403) naming `permission`, unless `role` grants it."""
    if permission not in role.permissions:
        raise ForbiddenError(f"Cannot perform action. Missing permission {permission}.")
