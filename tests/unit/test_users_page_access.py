"""The access hook over a listed page: rows kept, replaced or hidden; a crash or a timeout fails the page."""

from __future__ import annotations

import textwrap
import threading
from typing import TYPE_CHECKING

import pytest

from dahooks.exceptions import HookFailedError, HookTimeoutError
from dahooks.users_api.caller import Caller
from dahooks.users_api.in_process import InProcessHooks
from dahooks.users_api.page_access import PageAccess
from dahooks.users_api.roles import role_of

if TYPE_CHECKING:
    from pathlib import Path

KELLY = Caller("kelly", "sub-kelly", role_of(["delegated-admin-user"]), {"app_metadata": {"department": "Finance"}})
ROWS = [
    {"user_id": f"user-{index:02d}", "app_metadata": {"department": "Finance" if index % 3 else "HR"}}
    for index in range(30)
]


def page_access(tmp_path: Path, source: str | None, threads: int = 4) -> PageAccess:
    """A PageAccess whose functions/ folder holds `source` as the access hook (None: no hook)."""
    functions = tmp_path / "functions"
    (functions / "access").mkdir(parents=True)
    if source is not None:
        (functions / "access" / "hook.py").write_text(textwrap.dedent(source))

    def no_storage() -> None:
        raise AssertionError("these hooks use no storage")

    return PageAccess(InProcessHooks(functions, no_storage), threads)  # type: ignore[arg-type]


def test_without_an_access_hook_every_row_is_kept(tmp_path):
    assert page_access(tmp_path, None).check(KELLY, ROWS, "read:user", "r", 5) == (ROWS, 0)


def test_refused_rows_are_hidden_and_counted_and_the_order_is_kept(tmp_path):
    access = page_access(
        tmp_path,
        """
        from dahooks import HookError
        def hook(ctx, callback):
            department = ctx.payload["user"]["app_metadata"]["department"]
            if department != ctx.request.user["app_metadata"]["department"]:
                return callback(HookError("You can only access users within your own department."))
            return callback()
        """,
    )

    users, hidden = access.check(KELLY, ROWS, "read:user", "r", 5)

    assert users == [row for row in ROWS if row["app_metadata"]["department"] == "Finance"]
    assert hidden == 10


def test_a_returned_object_replaces_the_row(tmp_path):
    access = page_access(
        tmp_path,
        """
        def hook(ctx):
            user = ctx.payload["user"]
            return {"user_id": user["user_id"], "email": "[hidden]"} if user["user_id"].endswith("7") else None
        """,
    )

    users, hidden = access.check(KELLY, ROWS, "read:user", "r", 5)

    assert hidden == 0
    assert users[7] == {"user_id": "user-07", "email": "[hidden]"}
    assert users[8] == ROWS[8]


def test_the_hook_sees_the_action_the_caller_and_the_row(tmp_path):
    access = page_access(
        tmp_path,
        """
        def hook(ctx):
            assert ctx.payload["action"] == "read:user"
            assert ctx.request.user == {"app_metadata": {"department": "Finance"}}
            assert ctx.caller == "sub-kelly" and ctx.request_id == "request-9"
            return None
        """,
    )

    assert access.check(KELLY, ROWS, "read:user", "request-9", 5)[1] == 0


def test_a_hook_that_only_computes_runs_on_the_requests_thread(tmp_path):
    access = page_access(
        tmp_path,
        """
        import threading
        def hook(ctx):
            ctx.payload["user"]["thread"] = threading.get_ident()
        """,
    )

    users, _ = access.check(KELLY, [dict(row) for row in ROWS], "read:user", "r", 5)

    assert {row["thread"] for row in users} == {threading.get_ident()}


def test_a_hook_that_waits_shares_the_page_between_a_bounded_number_of_threads(tmp_path):
    access = page_access(
        tmp_path,
        """
        import threading, time
        SEEN = set()
        def hook(ctx):
            SEEN.add(threading.get_ident())
            time.sleep(0.002)  # waiting on I/O, as a hook calling a service would
            ctx.payload["user"]["thread_count"] = len(SEEN)
        """,
        threads=3,
    )

    users, _ = access.check(KELLY, [dict(row) for row in ROWS], "read:user", "r", 5)

    assert max(row["thread_count"] for row in users) == 3


@pytest.mark.parametrize(
    "source",
    [
        "def hook(ctx):\n    raise KeyError('department')\n",
        "def hook(ctx):\n    return 'yes'\n",
        "def hook(ctx):\n    return {'when': object()}\n",
    ],
    ids=["crash", "not-a-user", "not-json"],
)
def test_a_crash_or_a_wrong_answer_on_any_row_fails_the_page(tmp_path, source):
    with pytest.raises(HookFailedError, match="access hook"):
        page_access(tmp_path, source).check(KELLY, ROWS, "read:user", "r", 5)


def test_a_page_past_its_deadline_is_a_timeout_and_the_workers_stop(tmp_path):
    access = page_access(
        tmp_path,
        """
        import time
        CALLS = []
        def hook(ctx, callback):
            CALLS.append(1)
            time.sleep(0.05)
            callback()
        """,
    )

    with pytest.raises(HookTimeoutError):
        access.check(KELLY, ROWS, "read:user", "r", 0.2)

    module = access.hooks.loaded["access"].hook.__globals__  # type: ignore[union-attr]
    calls_then = len(module["CALLS"])
    threading.Event().wait(0.3)
    assert len(module["CALLS"]) <= calls_then + 3  # at most the rows already running finish
    assert calls_then < len(ROWS)
