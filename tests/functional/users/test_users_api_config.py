"""The configuration page's routes in process, on DynamoDB Local and the demo directory: custom data
with its version, each hook's version and last failures, and the runner that changes nothing."""

from __future__ import annotations

import hashlib
import shutil
from typing import TYPE_CHECKING

import pytest

from local.paths import ROOT

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from local.testing import Dashboard

DATA = "/api/config/custom-data"


@pytest.mark.parametrize("user", ["kelly", "oscar", "amy"])
def test_only_administrators_configure(dashboard: Dashboard, user: str) -> None:
    for method, path, body in [
        ("GET", DATA, None),
        ("PUT", DATA, {"data": {}}),
        ("GET", "/api/config/hooks", None),
        ("POST", "/api/config/hooks/access/run", {"payload": {}}),
    ]:
        answer = dashboard.call(method, path, user, body)
        assert answer.status == 403, (method, path, answer.body)
        assert answer.body["message"] == "Cannot perform action. Missing permission manage:config."


def test_custom_data_is_written_with_its_version_and_a_stale_version_is_refused(dashboard: Dashboard) -> None:
    first = dashboard.call("GET", DATA, "ian")
    assert first.status == 200
    assert first.body == {"data": {}, "version": 0, "size": 2, "limit": 409_600}

    written = dashboard.call("PUT", DATA, "ian", {"data": {"departments": ["IT", "HR"]}}, headers={"If-Match": "0"})
    assert written.status == 200, written.body
    assert written.body == {"version": 1, "size": len(b'{"departments":["IT","HR"]}')}

    stale = dashboard.call("PUT", DATA, "ian", {"data": {"departments": []}}, headers={"If-Match": "0"})
    assert stale.status == 412
    assert stale.body["error"] == "VersionConflict"
    assert dashboard.call("GET", DATA, "ian").body["data"] == {"departments": ["IT", "HR"]}

    logs = dashboard.call("GET", "/api/logs", "ian").body["logs"]
    assert [(log["action"], log["outcome"]) for log in logs[:2]] == [
        ("write:custom-data", "failed"),
        ("write:custom-data", "succeeded"),
    ]


def test_custom_data_over_the_limit_is_refused(dashboard: Dashboard) -> None:
    answer = dashboard.call("PUT", DATA, "ian", {"data": {"x": "a" * 409_600}})
    assert answer.status == 413
    assert answer.body["error"] == "CustomDataTooLarge"


def test_hooks_have_the_hash_of_their_file_and_no_failures_yet(dashboard: Dashboard) -> None:
    answer = dashboard.call("GET", "/api/config/hooks", "ian")
    assert answer.status == 200
    hooks = {hook["name"]: hook for hook in answer.body["hooks"]}
    assert set(hooks) == {
        "filter",
        "access",
        "write",
        "memberships",
        "settings",
        "custom-domain",
        "post-user-registration",
    }
    access = hooks["access"]
    digest = hashlib.sha256((ROOT / "functions" / "access" / "hook.py").read_bytes()).hexdigest()
    assert access == {
        "name": "access",
        "file": "functions/access/hook.py",
        "configured": True,
        "sha256": digest,
        "version": digest[:12],
        "runnable": True,
        "errors": [],
    }
    assert hooks["custom-domain"]["runnable"] is True
    assert hooks["post-user-registration"]["runnable"] is False


def test_a_hook_failure_is_kept_for_the_configuration_page(
    make_dashboard: Callable[..., Dashboard], tmp_path: Path
) -> None:
    functions = _functions_with_hook(tmp_path, "access", "def hook(ctx):\n    return ctx.payload['user']['missing']\n")
    dashboard = make_dashboard(functions=functions)
    failed = dashboard.call("GET", "/api/users/finance-01", "kelly")
    assert failed.status == 500
    assert failed.body["error"] == "HookFailed"

    errors = {hook["name"]: hook["errors"] for hook in dashboard.call("GET", "/api/config/hooks", "ian").body["hooks"]}
    assert errors["filter"] == []
    (kept,) = errors["access"]
    assert kept["error"] == "HookFailed"
    assert kept["message"] == "The access hook failed."
    assert kept["cause"] == "KeyError: 'missing'"
    assert kept["request_id"].startswith("test-")


def test_the_runner_shows_the_hooks_answer_and_what_it_logged(dashboard: Dashboard) -> None:
    sample = {"payload": {"action": "read:user", "user": {"app_metadata": {"department": "HR"}}}}
    answer = dashboard.call("POST", "/api/config/hooks/access/run", "ian", sample)
    assert answer.status == 200
    assert answer.body["status"] == 200
    assert answer.body["body"] == {"allowed": True, "user": None}  # ian is in IT: everyone

    as_kelly = {**sample, "request": {"user": {"app_metadata": {"department": "Finance"}}}}
    refused = dashboard.call("POST", "/api/config/hooks/access/run", "ian", as_kelly).body
    assert refused["status"] == 403
    assert refused["body"]["message"] == "You can only access users within your own department."
    assert refused["logs"] == ["Verifying access: HR Finance"]


def test_the_runner_changes_nothing(make_dashboard: Callable[..., Dashboard], tmp_path: Path) -> None:
    source = (
        "def hook(ctx):\n"
        "    ctx.write({'written': True})\n"
        "    ctx.cache.set('seen', 1, 60)\n"
        "    ctx.globals['runs'] = ctx.globals.get('runs', 0) + 1\n"
        "    return {'read': ctx.read(), 'cached': ctx.cache.get('seen'), 'runs': ctx.globals['runs']}\n"
    )
    dashboard = make_dashboard(functions=_functions_with_hook(tmp_path, "settings", source))
    for _ in range(2):
        answer = dashboard.call("POST", "/api/config/hooks/settings/run", "ian", {})
        assert answer.body["body"] == {"settings": {"read": {"written": True}, "cached": 1, "runs": 1}}
    data = dashboard.call("GET", DATA, "ian").body
    assert (data["data"], data["version"]) == ({}, 0)


def test_the_runner_checks_the_sample_as_the_hooks_route_does(dashboard: Dashboard) -> None:
    answer = dashboard.call("POST", "/api/config/hooks/access/run", "ian", {"payload": {"action": "fly:user"}})
    assert answer.status == 200
    assert answer.body["status"] == 400
    assert answer.body["body"]["error"] == "InvalidRequest"
    unknown = dashboard.call("POST", "/api/config/hooks/post-user-registration/run", "ian", {})
    assert unknown.status == 404


def _functions_with_hook(tmp_path: Path, folder: str, source: str) -> Path:
    """A copy of functions/ whose `folder`/hook.py is `source`."""
    functions = tmp_path / "functions"
    shutil.copytree(ROOT / "functions", functions, ignore=shutil.ignore_patterns("__pycache__"))
    (functions / folder / "hook.py").write_text(source)
    return functions
