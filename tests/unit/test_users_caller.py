"""Who acts: the token's user, their directory record cached for at most the token's life and the TTL."""

from __future__ import annotations

from typing import Any

import pytest

from dahooks.exceptions import NotFoundError, UnauthorizedError
from dahooks.users_api.caller import MAX_ENTRIES, ActingUsers

NOW = 1_800_000_000.0
KELLY = {"user_id": "kelly", "created_at": "2026-01-01T00:00:00.000Z", "app_metadata": {"department": "Finance"}}


class Directory:
    """Users by name, counting reads."""

    def __init__(self, **users: dict[str, Any]) -> None:
        self.users = users
        self.reads: list[str] = []

    def get_user(self, username: str) -> dict[str, Any]:
        self.reads.append(username)
        if username not in self.users:
            raise NotFoundError("The user does not exist.")
        return self.users[username]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def claims(username: str = "kelly", **extra: Any) -> dict[str, Any]:
    """Claims as API Gateway hands them to the function: every value a string."""
    base = {
        "sub": "3b1c-uuid",
        "username": username,
        "token_use": "access",
        "cognito:groups": "[delegated-admin-user department:Finance]",
        "iat": str(int(NOW) - 60),
        "exp": str(int(NOW) + 3600),
    }
    return {**base, **extra}


@pytest.fixture
def clock() -> Clock:
    return Clock()


def acting(directory: Directory, clock: Clock, max_age_s: float = 60) -> ActingUsers:
    return ActingUsers(directory.get_user, max_age_s, clock)


def test_the_caller_is_the_tokens_user_with_their_record_and_role(clock):
    caller = acting(Directory(kelly=KELLY), clock).caller(claims())

    assert (caller.username, caller.subject, caller.role.name) == ("kelly", "3b1c-uuid", "user")
    assert caller.user == KELLY


def test_the_record_is_read_once_within_the_ttl_and_again_after(clock):
    directory = Directory(kelly=KELLY)
    users = acting(directory, clock, max_age_s=60)

    users.caller(claims())
    clock.now += 59
    users.caller(claims())
    clock.now += 2
    users.caller(claims())

    assert directory.reads == ["kelly", "kelly"]


def test_the_record_is_never_kept_past_the_tokens_expiry(clock):
    directory = Directory(kelly=KELLY)
    users = acting(directory, clock, max_age_s=3600)

    users.caller(claims(exp=str(int(NOW) + 5)))
    clock.now += 6
    users.caller(claims(exp=str(int(NOW) + 3600)))

    assert directory.reads == ["kelly", "kelly"]


def test_forget_drops_the_record_so_a_change_made_here_is_seen_at_once(clock):
    directory = Directory(kelly=KELLY)
    users = acting(directory, clock)
    users.caller(claims())

    directory.users["kelly"] = {**KELLY, "app_metadata": {"department": "HR"}}
    users.forget("kelly")

    assert users.caller(claims()).user["app_metadata"] == {"department": "HR"}


def test_a_token_for_a_user_deleted_since_is_refused(clock):
    directory = Directory(kelly=KELLY)
    users = acting(directory, clock)
    users.caller(claims())

    del directory.users["kelly"]
    users.forget("kelly")  # what the API does when it deletes a user
    with pytest.raises(UnauthorizedError, match="no longer exists") as refused:
        users.caller(claims())

    assert refused.value.status == 401


def test_a_token_issued_before_its_user_was_created_is_refused(clock):
    """The user was deleted and the name taken again: the old token is not the new user's."""
    recreated = {**KELLY, "created_at": "2027-01-15T08:00:00.000Z"}  # after NOW - 60
    users = acting(Directory(kelly=recreated), clock)

    with pytest.raises(UnauthorizedError, match="no longer exists"):
        users.caller(claims())
    assert users.caller(claims(iat=str(1_800_000_000 + 10**8))).username == "kelly"  # a token issued after


def test_a_blocked_users_token_is_refused_and_their_record_is_not_kept(clock):
    directory = Directory(kelly={**KELLY, "blocked": True})
    users = acting(directory, clock)

    with pytest.raises(UnauthorizedError, match="blocked"):
        users.caller(claims())
    directory.users["kelly"] = KELLY  # unblocked, in another container

    assert users.caller(claims()).username == "kelly"
    assert directory.reads == ["kelly", "kelly"]


@pytest.mark.parametrize(
    "token",
    [
        claims(token_use="id"),  # an ID token also carries the app client as its audience
        claims(username=""),  # a machine's (client credentials) token names no user
        {"sub": "machine-client", "token_use": "access", "client_id": "machine-client"},
        claims(gty="client-credentials"),  # whatever else it carries, a client-credentials grant is a machine's
    ],
    ids=["id-token", "empty-username", "client-credentials", "auth0-client-credentials"],
)
def test_tokens_that_name_no_dashboard_user_are_refused_before_any_directory_read(clock, token):
    directory = Directory(kelly=KELLY)

    with pytest.raises(UnauthorizedError, match="own access token"):
        acting(directory, clock).caller(token)
    assert directory.reads == []


def test_a_user_without_role_groups_acts_with_no_permission(clock):
    caller = acting(Directory(kelly=KELLY), clock).caller(claims(**{"cognito:groups": "[department:Finance]"}))

    assert caller.role.name == "none"
    assert caller.permissions == ()


def test_the_cache_holds_a_bounded_number_of_callers(clock):
    directory = Directory(**{f"user-{index}": KELLY for index in range(MAX_ENTRIES + 1)})
    users = acting(directory, clock)

    for index in range(MAX_ENTRIES + 1):
        users.caller(claims(f"user-{index}"))
    users.caller(claims("user-0"))  # the oldest was evicted

    assert directory.reads.count("user-0") == 2
    assert len(users._entries) == MAX_ENTRIES
