"""The users API runs hooks in process, and each run counts in its hook type's metrics as a call of
the hook's own function would: one EMF line per hook type at the end of the request."""

from __future__ import annotations

import json
from typing import Any

from dahooks.metrics import HOOK_DURATION, INVOCATIONS, REFUSALS


def emf_by_hook_type(output: str) -> dict[str, dict[str, Any]]:
    records = [json.loads(line) for line in output.splitlines() if line.startswith('{"_aws"')]
    return {record["hook_type"]: record for record in records}


def test_a_listed_page_counts_one_filter_run_and_an_access_run_per_row(dashboard, capsys):
    answer = dashboard.call("GET", "/api/users", "kelly", query={"per_page": "20"})
    metrics = emf_by_hook_type(capsys.readouterr().out)

    assert answer.status == 200, answer.body
    rows = len(answer.body["users"]) + answer.body.get("hidden", 0)
    assert metrics["filter"][INVOCATIONS] == [1.0]
    assert metrics["access"][INVOCATIONS] == [float(rows)]
    assert len(metrics["access"][HOOK_DURATION]) == rows
    assert metrics["access"]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["hook_type", "service"]]


def test_a_refusal_in_process_counts_as_the_hooks_refusal(dashboard, capsys):
    answer = dashboard.call("GET", "/api/users/hr-01", "kelly")
    metrics = emf_by_hook_type(capsys.readouterr().out)

    assert answer.status == 403, answer.body
    assert metrics["access"][REFUSALS] == [1.0]
