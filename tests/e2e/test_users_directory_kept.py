"""The local user pool survives a restart of `make run` as if it had never stopped: what the users API
created and changed, every attribute, `sub`, date, status and group, and the tokens issued before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from local.paths import TEMPLATE
from local.testing import UserPool, start_stack

if TYPE_CHECKING:
    from pathlib import Path

PASSWORD = "Kept-password-1"  # noqa: S105 - a test user's, in a pool that lives for the test


def test_the_directory_and_its_tokens_survive_a_restart(tmp_path: Path) -> None:
    # GIVEN a stack whose users API created, changed and blocked users
    first = start_stack(TEMPLATE, tmp_path / "state", "--quiet")
    try:
        pool = UserPool.of_stack(first.state_dir)
        kelly = pool.token("kelly")
        body = {"email": "kept.hire@example.com", "password": PASSWORD, "repeatPassword": PASSWORD}
        created = first.request("POST", "/api/users", {**body, "memberships": ["Finance"]}, token=kelly)
        assert created.status == 201, created.body
        assert first.request("PUT", "/api/users/finance-03/block", token=kelly).status == 204
        moved = {"email": "finance-04.kept@example.com", "email_verified": True}
        assert first.request("PUT", "/api/users/finance-04/change-email", moved, token=kelly).status == 200
        before = pool.snapshot()
    finally:
        first.stop()

    # WHEN the stack starts again on the same state directory
    second = start_stack(TEMPLATE, tmp_path / "state", "--quiet")
    try:
        after = UserPool.of_stack(second.state_dir).snapshot()
        listed = second.request("GET", '/api/users?search=email:"kept.hire@example.com"', token=kelly)
        blocked = second.request("GET", "/api/users/finance-03", token=kelly)
    finally:
        second.stop()

    # THEN the pool is the same, down to every sub and date, and kelly's token from before still works
    assert after == before
    assert len(before["users"]) == 36  # the 35 demo users and the one created
    assert [user["user_id"] for user in listed.json()["users"]] == ["kept.hire@example.com"]
    assert blocked.json()["user"]["blocked"] is True
