"""The filter alone keeps a listing inside it: with an access hook that allows everything, no search
reaches outside the filter hook's query, however it is written."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest

from local.paths import ROOT
from local.testing import SEARCHES_THAT_TRY_TO_ESCAPE

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def everything_allowed(tmp_path: Path) -> Path:
    """A functions/ folder with the shipped filter hook and an access hook that allows everything."""
    functions = tmp_path / "functions"
    for hook_type in ("filter", "access", "write", "memberships", "settings"):
        (functions / hook_type).mkdir(parents=True)
        source = (ROOT / "functions" / hook_type / "hook.py").read_text()
        if hook_type == "access":
            source = textwrap.dedent("def hook(ctx):\n    return None\n")
        (functions / hook_type / "hook.py").write_text(source)
    return functions


@pytest.mark.parametrize("search", SEARCHES_THAT_TRY_TO_ESCAPE)
def test_no_search_reaches_outside_the_filter(make_dashboard, everything_allowed, search):
    dashboard = make_dashboard(functions=everything_allowed)

    answer = dashboard.call("GET", "/api/users", "kelly", query={"search": search, "per_page": "100"})

    if answer.status == 400:
        assert answer.body["error"] == "InvalidSearch"
    else:
        assert answer.status == 200, answer.body
        assert {user["app_metadata"].get("department") for user in answer.body["users"]} <= {"Finance"}


def test_without_a_search_the_filter_alone_lists_the_department(make_dashboard, everything_allowed, user_pool):
    answer = make_dashboard(functions=everything_allowed).call("GET", "/api/users", "kelly", query={"per_page": "100"})

    finance = {u["user_id"] for u in user_pool.users() if u["app_metadata"].get("department") == "Finance"}
    assert {user["user_id"] for user in answer.body["users"]} == finance
