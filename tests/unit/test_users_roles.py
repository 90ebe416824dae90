"""Roles from the token's groups: the highest wins, and each route's permission is named when missing."""

from __future__ import annotations

import pytest

from dahooks.exceptions import ForbiddenError
from dahooks.users_api.roles import (
    MANAGE_CONFIG,
    MANAGE_USERS,
    NO_ROLE,
    READ_LOGS,
    READ_USERS,
    groups_of,
    permission_for,
    require,
    role_of,
)


@pytest.mark.parametrize(
    ("claim", "groups"),
    [
        ("[delegated-admin-user department:Finance]", ["delegated-admin-user", "department:Finance"]),
        ("[department:Human%20Resources]", ["department:Human%20Resources"]),
        ("[]", []),
        ("delegated-admin-auditor", ["delegated-admin-auditor"]),  # one group, as some gateways flatten it
        (["delegated-admin-operator", "x"], ["delegated-admin-operator", "x"]),  # the token's own list
        (None, []),
        (42, []),
    ],
)
def test_groups_claim_as_api_gateway_hands_it_over(claim, groups):
    assert groups_of(claim) == groups


@pytest.mark.parametrize(
    ("groups", "role", "permissions"),
    [
        (["delegated-admin-auditor"], "auditor", {READ_USERS}),
        (["delegated-admin-user"], "user", {READ_USERS, MANAGE_USERS}),
        (["delegated-admin-operator"], "operator", {READ_USERS, MANAGE_USERS, READ_LOGS}),
        (["delegated-admin-administrator"], "administrator", {READ_USERS, MANAGE_USERS, READ_LOGS, MANAGE_CONFIG}),
        (["delegated-admin-administrator", "delegated-admin-auditor"], "administrator", None),
        (["delegated-admin-auditor", "delegated-admin-operator", "department:IT"], "operator", None),
        (["department:Finance"], "none", set()),
        ([], "none", set()),
    ],
)
def test_the_highest_role_wins(groups, role, permissions):
    found = role_of(groups)

    assert found.name == role
    if permissions is not None:
        assert set(found.permissions) == permissions


def test_a_group_named_like_a_role_with_other_case_is_not_that_role():
    assert role_of(["Delegated-Admin-Administrator", "delegated-admin-user "]) is NO_ROLE


@pytest.mark.parametrize(
    ("method", "permission"),
    [
        ("GET", READ_USERS),
        ("POST", MANAGE_USERS),
        ("PUT", MANAGE_USERS),
        ("PATCH", MANAGE_USERS),
        ("DELETE", MANAGE_USERS),
    ],
)
def test_reading_needs_read_users_and_anything_else_manage_users(method, permission):
    assert permission_for(method) == permission


def test_a_missing_permission_is_a_403_naming_it():
    with pytest.raises(ForbiddenError, match="Missing permission manage:users") as refused:
        require(role_of(["delegated-admin-auditor"]), MANAGE_USERS)

    assert refused.value.status == 403
    require(role_of(["delegated-admin-auditor"]), READ_USERS)  # granted: no error
