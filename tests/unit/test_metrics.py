"""The metrics a hook run writes, as CloudWatch reads them: EMF lines on stdout, captured from real
invocations and parsed; and line for line what Powertools' Metrics would have printed."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from aws_lambda_powertools import Metrics
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dahooks.metrics import (
    HOOK_COUNTERS,
    HOOK_DURATION,
    HOOK_FAILED,
    INVOCATIONS,
    REFUSALS,
    TIMEOUTS,
    InvocationMetrics,
    MetricsDestination,
)
from local.testing import KELLY, call_hook, hook_from_source, load_event

NAMESPACE = "delegated-admin-hooks/local"  # template.yaml's, in the stack the local tools call "local"
SERVICE = "delegated-admin-hooks"
UNITS = {**dict.fromkeys(HOOK_COUNTERS, "Count"), HOOK_DURATION: "Milliseconds"}
ACCESS_BODY = {"request": {"user": KELLY}, "payload": {"action": "read:user", "user": KELLY}}


def emf_records(output: str) -> list[dict[str, Any]]:
    """The EMF documents among a function's stdout lines (its log records are the other lines)."""
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [record for record in records if "_aws" in record]


def counts(record: dict[str, Any]) -> dict[str, float]:
    """The counters of a line: those it names (a counter that stayed at zero is left out)."""
    (directive,) = record["_aws"]["CloudWatchMetrics"]
    return {m["Name"]: record[m["Name"]][0] for m in directive["Metrics"] if m["Name"] in HOOK_COUNTERS}


@pytest.fixture
def template_environment(monkeypatch: pytest.MonkeyPatch, template: Any) -> None:
    for name, value in template.functions()["AccessFunction"].environment.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("fixture", "counted"),
    [
        ("access-read-user-own-department.json", {INVOCATIONS: 1.0}),
        ("access-other-department-refused.json", {INVOCATIONS: 1.0, REFUSALS: 1.0}),
    ],
)
def test_an_access_invocation_writes_one_emf_line_cloudwatch_can_read(
    warm_functions, template_environment, capsys, fixture, counted
):
    event = load_event(fixture)

    warm_functions.invoke("AccessFunction", event)
    (record,) = emf_records(capsys.readouterr().out)

    (directive,) = record["_aws"]["CloudWatchMetrics"]
    assert isinstance(record["_aws"]["Timestamp"], int)
    assert directive["Namespace"] == NAMESPACE
    assert directive["Dimensions"] == [["hook_type", "service"]]
    assert {m["Name"]: m["Unit"] for m in directive["Metrics"]} == {
        name: UNITS[name] for name in [*counted, HOOK_DURATION]
    }
    assert (record["hook_type"], record["service"]) == ("access", SERVICE)
    assert counts(record) == counted
    (duration,) = record[HOOK_DURATION]
    assert 0 < duration < 1000
    # The request id rides along for Logs Insights, as a member, never as a dimension.
    assert record["correlation_id"] == event["requestContext"]["requestId"]


@pytest.mark.parametrize(
    ("source", "counter"),
    [
        ("def hook(ctx): return {'allowed': True}", None),
        ("from dahooks import HookError\ndef hook(ctx): raise HookError('no')", REFUSALS),
        ("def hook(ctx, cb): cb(Exception('no'))", REFUSALS),
        ("def hook(ctx): raise KeyError('user')", HOOK_FAILED),
        ("def hook(ctx): return 'yes'", HOOK_FAILED),  # a result of the wrong shape
        ("import time\ndef hook(ctx): time.sleep(5)", TIMEOUTS),
    ],
)
def test_each_way_a_hook_run_ends_is_counted(tmp_path, capsys, source, counter):
    function = hook_from_source(tmp_path, "access", source)

    call_hook(function, ACCESS_BODY, timeout=0.8)  # the deadline: 0.3 s, past the 500 ms margin
    (record,) = emf_records(capsys.readouterr().out)

    assert counts(record) == {INVOCATIONS: 1.0, **({counter: 1.0} if counter else {})}
    assert len(record[HOOK_DURATION]) == 1


def test_a_request_that_never_reached_its_hook_is_no_hook_run(tmp_path, capsys):
    function = hook_from_source(tmp_path, "access", "def hook(ctx): return {}")

    status, _ = call_hook(function, raw="{not json")

    assert status == 400
    assert emf_records(capsys.readouterr().out) == []


def test_runs_added_from_several_threads_are_all_counted():
    metrics = InvocationMetrics(HOOK_COUNTERS, HOOK_DURATION)

    def run() -> None:
        for _ in range(500):
            metrics.add("access", INVOCATIONS, REFUSALS, duration_ms=0.5)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, *rest = [json.loads(line) for line in metrics.lines()]

    assert first[INVOCATIONS] == first[REFUSALS] == [2000.0]
    assert sum(len(record[HOOK_DURATION]) for record in [first, *rest]) == 2000
    assert metrics.lines() == []  # flushed once, forgotten


def test_more_than_a_hundred_durations_are_split_across_lines():
    metrics = InvocationMetrics(HOOK_COUNTERS, HOOK_DURATION)
    for _ in range(250):
        metrics.add("access", INVOCATIONS, duration_ms=0.5)

    records = [json.loads(line) for line in metrics.lines()]

    assert [len(record[HOOK_DURATION]) for record in records] == [100, 100, 50]
    assert [record.get(INVOCATIONS) for record in records] == [[250.0], None, None]
    assert [len(record["_aws"]["CloudWatchMetrics"][0]["Metrics"]) for record in records] == [2, 1, 1]


def test_each_hook_type_of_an_invocation_has_a_line_of_its_own():
    metrics = InvocationMetrics(HOOK_COUNTERS, HOOK_DURATION)
    metrics.add("access", INVOCATIONS, duration_ms=1.0)
    metrics.add("filter", INVOCATIONS, duration_ms=2.0)

    records = [json.loads(line) for line in metrics.lines()]

    assert [(r["hook_type"], r[HOOK_DURATION]) for r in records] == [("access", [1.0]), ("filter", [2.0])]


def test_lines_are_what_powertools_metrics_serializes_for_the_same_metrics(monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", SERVICE)
    ours = InvocationMetrics(HOOK_COUNTERS, HOOK_DURATION)
    ours.add("write", INVOCATIONS, duration_ms=0.25)
    ours.add("write", INVOCATIONS, HOOK_FAILED, duration_ms=1.5)
    (line,) = ours.lines({"correlation_id": "abc="}, timestamp_ms=1796000000000)
    powertools = Metrics(namespace=NAMESPACE, service=SERVICE)
    try:
        powertools.add_dimension("hook_type", "write")
        for name, value in {INVOCATIONS: 2, HOOK_FAILED: 1}.items():  # the counters that are not zero
            powertools.add_metric(name, "Count", value)
        for value in (0.25, 1.5):
            powertools.add_metric(HOOK_DURATION, "Milliseconds", value)
        powertools.add_metadata("correlation_id", "abc=")
        powertools.set_timestamp(1796000000000)
        expected = powertools.serialize_metric_set()
    finally:
        powertools.clear_metrics()

    assert json.loads(line) == expected
    assert list(json.loads(line)) == list(expected)  # the members in the same order, too


def test_no_line_is_written_when_metrics_are_disabled(monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    metrics = InvocationMetrics(HOOK_COUNTERS)
    metrics.add("access", INVOCATIONS)

    metrics.flush()

    assert capsys.readouterr().out == ""


def test_a_function_writes_to_the_namespace_and_service_of_its_environment_at_init(tmp_path, capsys, monkeypatch):
    # A Lambda environment's variables are fixed for its life: read once, when the function is made.
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "at-init")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "service-at-init")
    function = hook_from_source(tmp_path, "settings", "def hook(ctx):\n    return {}\n")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "changed-later")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "changed-later")

    call_hook(function, {"request": {"user": KELLY}})

    (record,) = emf_records(capsys.readouterr().out)
    assert record["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "at-init"
    assert record["service"] == "service-at-init"


_RUN = st.tuples(
    st.sampled_from(["access", "write", "filter"]),
    st.lists(st.sampled_from(HOOK_COUNTERS[1:]), max_size=3).map(lambda more: (INVOCATIONS, *more)),
    st.one_of(st.none(), st.integers(0, 10**7).map(lambda thousandths: thousandths / 1000)),
)
_RUNS = st.lists(_RUN, max_size=230)


def powertools_lines(runs: list[tuple[str, tuple[str, ...], float | None]], request_id: str) -> list[dict[str, Any]]:
    """What Powertools' Metrics serializes for `runs`, one document per hook type in the order first
    run, its durations a hundred at most per document (the counters on the first)."""
    by_type: dict[str, tuple[list[str], list[float]]] = {}
    for hook_type, counters, duration in runs:
        counted, durations = by_type.setdefault(hook_type, ([], []))
        counted.extend(counters)
        durations.extend([] if duration is None else [duration])
    documents = []
    for hook_type, (counted, durations) in by_type.items():
        chunks = [durations[i : i + 100] for i in range(0, len(durations), 100)] or [[]]
        for number, chunk in enumerate(chunks):
            powertools = Metrics(namespace=NAMESPACE, service=SERVICE)
            try:
                powertools.add_dimension("hook_type", hook_type)
                for name in HOOK_COUNTERS if number == 0 else ():
                    if counted.count(name):
                        powertools.add_metric(name, "Count", counted.count(name))
                for value in chunk:
                    powertools.add_metric(HOOK_DURATION, "Milliseconds", value)
                powertools.add_metadata("correlation_id", request_id)
                powertools.set_timestamp(1796000000000)
                documents.append(powertools.serialize_metric_set())
            finally:
                powertools.clear_metrics()
    return documents


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=_RUNS, request_id=st.text(max_size=12))
def test_the_lines_of_any_runs_are_what_powertools_serializes(monkeypatch, runs, request_id):
    # The fixed text of a line is kept per count: a line made from it must be the one made afresh.
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", SERVICE)
    for _ in range(2):  # the second time, from the texts kept the first
        for hook_type, counters, duration in runs:
            hook_metrics_under_test.add(hook_type, *counters, duration_ms=duration)
        lines = hook_metrics_under_test.lines({"correlation_id": request_id}, timestamp_ms=1796000000000)
        expected = powertools_lines(runs, request_id) if runs else []
        if not request_id:  # an empty member is left out, as the handler leaves out a missing request id
            for document in expected:
                del document["correlation_id"]

        assert [json.loads(line) for line in lines] == expected
        assert [list(json.loads(line)) for line in lines] == [list(document) for document in expected]


hook_metrics_under_test = InvocationMetrics(HOOK_COUNTERS, HOOK_DURATION)
single_run_metrics_under_test = {
    duration: InvocationMetrics(HOOK_COUNTERS, duration) for duration in (HOOK_DURATION, None)
}


@given(run=_RUN, duration=st.sampled_from([HOOK_DURATION, None]), request_id=st.text(max_size=12))
def test_the_line_of_a_single_run_is_the_line_of_the_runs_grouped(run, duration, request_id):
    # A hook function's invocation is one run, whose line is made without grouping: the same text,
    # also from the texts kept for the runs of earlier examples.
    metrics = single_run_metrics_under_test[duration]
    destination = MetricsDestination(NAMESPACE, SERVICE)
    member = f',"correlation_id":{json.dumps(request_id, ensure_ascii=False)}' if request_id else ""
    grouped = metrics._grouped_lines([run], destination, 1796000000000, member)
    for _ in range(2):  # the second time, from the texts kept the first
        metrics.add_run(*run)
        lines = metrics.lines({"correlation_id": request_id}, timestamp_ms=1796000000000, destination=destination)

        assert lines == grouped


def test_a_counter_these_metrics_do_not_publish_is_refused():
    with pytest.raises(KeyError):
        InvocationMetrics(HOOK_COUNTERS).add("access", "Accepted")
