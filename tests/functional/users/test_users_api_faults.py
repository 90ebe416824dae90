"""The users API when something fails: the directory throttles or breaks, the table is down, a hook is wrong.

Failures are injected where they would happen (botocore's Stubber or a client that fails named
calls, a DynamoDB client that cannot connect, hook files written for the test); the directory is
the Cognito emulator and the table DynamoDB Local. Whatever fails, the answer is the documented
error and nothing is left half-done.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from typing import TYPE_CHECKING, Any

from dahooks.storage import Storage
from dahooks.storage.dynamodb import build_client
from dahooks.users_api.audit import AuditLog
from local.paths import ROOT

if TYPE_CHECKING:
    from pathlib import Path

    from local.testing import UserPool

NEW_HIRE = {
    "email": "fault.hire@example.com",
    "password": "Fault-password-1",
    "repeatPassword": "Fault-password-1",
    "memberships": ["Finance"],
}


def functions_with(tmp_path: Path, **hooks: str) -> Path:
    """A functions/ folder with the shipped hooks, but `hooks` (hook type -> source) in place of some."""
    folder = tmp_path / "functions"
    for hook_type in ("filter", "access", "write", "memberships", "settings"):
        (folder / hook_type).mkdir(parents=True)
        source = hooks.get(hook_type)
        if source is None:
            shutil.copy(ROOT / "functions" / hook_type / "hook.py", folder / hook_type / "hook.py")
        else:
            (folder / hook_type / "hook.py").write_text(textwrap.dedent(source))
    return folder


def audit_of(target: str) -> list[dict[str, Any]]:
    return AuditLog(build_client, os.environ["TABLE_NAME"]).read(target)[0]


def test_a_create_whose_group_assignment_fails_is_a_503_and_leaves_no_user(user_pool, table, make_dashboard):
    dashboard = make_dashboard(failing={"admin_add_user_to_group", "create_group"})

    answer = dashboard.call("POST", "/api/users", "kelly", NEW_HIRE)

    assert answer.status == 503
    assert answer.body["error"] == "ServiceUnavailable"
    assert not user_pool.exists("fault.hire@example.com")
    [record] = audit_of("fault.hire@example.com")
    assert (record["action"], record["outcome"], record["status"]) == ("create:user", "failed", 503)


def test_a_throttled_listing_is_a_503(user_pool, table, make_dashboard):
    answer = make_dashboard(failing={"list_users_in_group"}).call("GET", "/api/users", "kelly")

    assert (answer.status, answer.body["error"]) == (503, "ServiceUnavailable")


def test_a_throttled_block_is_a_503_recorded_as_failed(user_pool, table, make_dashboard):
    user_pool.add("fault-block", "Finance")
    dashboard = make_dashboard(failing={"admin_disable_user"})

    answer = dashboard.call("PUT", "/api/users/fault-block/block", "kelly")

    assert answer.status == 503
    assert _enabled(user_pool, "fault-block")
    assert [r["outcome"] for r in audit_of("fault-block")] == ["failed"]


def test_when_the_audit_log_cannot_be_written_no_change_is_made(user_pool, table, make_dashboard):
    user_pool.add("fault-audit", "Finance")
    unreachable = Storage(table, client=build_client(endpoint_url="http://127.0.0.1:9", config=_one_attempt()))

    answer = make_dashboard(storage_factory=lambda: unreachable).call("PUT", "/api/users/fault-audit/block", "kelly")

    assert (answer.status, answer.body["error"]) == (503, "ServiceUnavailable")
    assert _enabled(user_pool, "fault-audit")


def _enabled(user_pool: UserPool, username: str) -> bool:
    return bool(user_pool.raw.admin_get_user(UserPoolId=user_pool.pool.pool_id, Username=username)["Enabled"])


def _one_attempt() -> Any:
    from botocore.config import Config

    return Config(retries={"total_max_attempts": 1}, connect_timeout=0.5, read_timeout=0.5)


def test_a_filter_query_that_does_not_parse_is_the_filter_hooks_fault(user_pool, tmp_path, make_dashboard):
    functions = functions_with(tmp_path, filter='def hook(ctx):\n    return "app_metadata.department:(Finance"\n')

    answer = make_dashboard(functions=functions).call("GET", "/api/users", "kelly")

    assert (answer.status, answer.body["error"]) == (500, "HookFailed")
    assert "filter hook" in answer.body["message"]


def test_a_slow_access_hook_is_a_504_for_the_page(user_pool, tmp_path, make_dashboard):
    functions = functions_with(tmp_path, access="import time\n\ndef hook(ctx):\n    time.sleep(0.2)\n")

    answer = make_dashboard(functions=functions).call("GET", "/api/users", "ian", timeout=1.0)

    assert (answer.status, answer.body["error"]) == (504, "HookTimeout")


def test_a_broken_memberships_hook_leaves_me_without_memberships_but_answers(user_pool, tmp_path, make_dashboard):
    functions = functions_with(tmp_path, memberships="def hook(ctx):\n    raise RuntimeError('boom')\n")

    answer = make_dashboard(functions=functions).call("GET", "/api/me", "kelly")

    assert answer.status == 200
    assert (answer.body["memberships"], answer.body["createMemberships"], answer.body["role"]) == ([], False, "user")


def test_settings_that_forbid_creating_users_refuse_a_create(user_pool, tmp_path, make_dashboard):
    functions = functions_with(tmp_path, settings="def hook(ctx):\n    return {'canCreateUser': False}\n")

    answer = make_dashboard(functions=functions).call("POST", "/api/users", "kelly", NEW_HIRE)

    assert (answer.status, answer.body["error"]) == (403, "Forbidden")
    assert not user_pool.exists(NEW_HIRE["email"])


def test_an_access_hook_may_redact_listed_rows(user_pool, tmp_path, make_dashboard):
    functions = functions_with(
        tmp_path,
        access="""
        def hook(ctx):
            user = dict(ctx.payload["user"])
            user["email"] = "hidden@example.com"
            return user
        """,
    )

    answer = make_dashboard(functions=functions).call("GET", "/api/users", "kelly")

    assert answer.status == 200
    assert {user["email"] for user in answer.body["users"]} == {"hidden@example.com"}


def test_memberships_the_hook_does_not_offer_are_refused(user_pool, table, tmp_path, make_dashboard):
    functions = functions_with(
        tmp_path,
        memberships="def hook(ctx):\n    return {'memberships': ['Finance'], 'createMemberships': False}\n",
        write="def hook(ctx):\n    return {'email': ctx.payload['email'], 'app_metadata': {'department': 'Legal'}}\n",
    )

    answer = make_dashboard(functions=functions).call(
        "POST", "/api/users", "kelly", {**NEW_HIRE, "email": "legal.hire@example.com", "memberships": ["Legal"]}
    )

    assert (answer.status, answer.body["error"]) == (403, "Forbidden")
    assert "Legal" in answer.body["message"]
    assert not user_pool.exists("legal.hire@example.com")


ALLOW_ALL = "def hook(ctx):\n    return None\n"


def test_nobody_deletes_themselves_even_when_the_access_hook_allows_it(user_pool, tmp_path, make_dashboard):
    user_pool.add("self-deleter", "IT", "delegated-admin-administrator")
    dashboard = make_dashboard(functions=functions_with(tmp_path, access=ALLOW_ALL))

    answer = dashboard.call("DELETE", "/api/users/self-deleter", "self-deleter")

    assert (answer.status, answer.body["message"]) == (400, "You cannot delete yourself.")
    assert user_pool.exists("self-deleter")


def test_a_token_for_a_user_deleted_since_is_refused(user_pool, tmp_path, make_dashboard):
    user_pool.add("leaver", "Finance", "delegated-admin-user")
    user_pool.add("remover", "IT", "delegated-admin-administrator")
    token = user_pool.token("leaver", fresh=True)
    dashboard = make_dashboard(functions=functions_with(tmp_path, access=ALLOW_ALL))
    assert dashboard.call("GET", "/api/me", "leaver", token=token).status == 200  # cached in this container

    assert dashboard.call("DELETE", "/api/users/leaver", "remover").status == 204

    refused = dashboard.call("GET", "/api/me", "leaver", token=token)
    assert (refused.status, refused.body["error"]) == (401, "Unauthorized")
    assert make_dashboard().call("GET", "/api/users", "leaver", token=token).status == 401  # another container


def test_a_user_deleted_outside_the_api_is_refused_once_the_cache_expires(user_pool, make_dashboard):
    user_pool.add("outside-leaver", "Finance", "delegated-admin-user")
    token = user_pool.token("outside-leaver", fresh=True)
    dashboard = make_dashboard(acting_user_cache_s=0)
    assert dashboard.call("GET", "/api/me", "outside-leaver", token=token).status == 200

    user_pool.remove("outside-leaver")  # in the Cognito console, say

    assert dashboard.call("GET", "/api/me", "outside-leaver", token=token).status == 401


def test_a_blocked_users_token_is_refused_at_once_by_the_container_that_blocked_them(user_pool, make_dashboard):
    user_pool.add("blocked-admin", "Finance", "delegated-admin-user")
    token = user_pool.token("blocked-admin", fresh=True)
    dashboard = make_dashboard()
    assert dashboard.call("GET", "/api/me", "blocked-admin", token=token).status == 200

    assert dashboard.call("PUT", "/api/users/blocked-admin/block", "kelly").status == 204

    refused = dashboard.call("GET", "/api/me", "blocked-admin", token=token)
    assert (refused.status, refused.body["message"]) == (401, "The user of this token is blocked.")
    assert dashboard.call("PUT", "/api/users/blocked-admin/unblock", "kelly").status == 204
    assert dashboard.call("GET", "/api/me", "blocked-admin", token=token).status == 200
