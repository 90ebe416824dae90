"""Warm invocation and cold start of every hook function, each beside its baseline in the same run.

Warm: the function's real handler, loaded once as a warm container holds it, called in this
process with an events/ fixture, against a bare handler that parses the same event's body and
returns a constant. The two are interleaved in short rounds so that a noisy neighbour slows both
alike; the overhead is the difference of their p50s. Every figure includes one `ctx.log` line, as
a hook that logs what it decided writes: a sample hook that logs nothing (all but access) runs
with one line added in front of it, and the figure says how many lines an invocation wrote.

Cold: a fresh interpreter that imports the function's app module exactly as the Lambda runtime
does (CodeUri as the working directory, the layer on PYTHONPATH, the template's environment),
against a fresh interpreter that imports only Powertools' Logger. Each figure is the median wall
time of 9 runs, interleaved with the baseline's. The 1.5x target applies to the functions that
must start without boto3 (`starts_without_aws_sdk`): the hook functions, which import it only when
a hook first touches storage, and functions granted no AWS service at all.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from dahooks.logs import logger
from local.lambda_runtime import context_for, load_handler, start_trace
from local.paths import EVENTS
from local.template import Function, Template
from local.testing import DEPLOY_PARAMETERS, cold_command, starts_without_aws_sdk

from .figures import Figure, logs_to_devnull, median, percentile

GROUP = "invoke"
# One success-path fixture per hook function: the request a dashboard sends most.
WARM_EVENTS = {
    "FilterFunction": "filter-own-department.json",
    "AccessFunction": "access-read-user-own-department.json",
    "WriteFunction": "write-create-own-department.json",
    "MembershipsFunction": "memberships-own-department.json",
    "SettingsFunction": "settings-department-title.json",
    "CustomDomainFunction": "custom-domain-not-configured.json",
}
WARM_ROUNDS = 20
WARM_CALLS_PER_ROUND = 100
WARM_TARGET_US = 100.0
COLD_RUNS = 9
COLD_TARGET_RATIO = 1.5
PROFILE_VARIABLE = "BENCH_PROFILE"

Handler = Callable[[dict[str, Any], Any], Any]


def bare_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The least a Lambda behind an HTTP API can do: parse the body and answer a constant."""
    json.loads(event["body"])
    return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": '{"ok":true}'}


def _time_calls(handler: Handler, event: dict[str, Any], function: Function, calls: int) -> list[float]:
    """Microseconds of each of `calls` invocations (one LambdaContext per round, built outside the
    timing; a fresh trace header per call, set outside it too, as Lambda's runtime sets one)."""
    context = context_for(function)
    samples = []
    for _ in range(calls):
        start_trace()
        started = time.perf_counter_ns()
        handler(event, context)
        samples.append((time.perf_counter_ns() - started) / 1000)
    return samples


class _LogLines(logging.Handler):
    """Counts the records hooks write with `ctx.log`."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += getattr(record, "source", None) == "hook"


def _hook_log_lines(handler: Handler, event: dict[str, Any], function: Function) -> int:
    """How many `ctx.log` lines one invocation writes."""
    counter = _LogLines()
    records = logging.getLogger(logger.name)
    records.addHandler(counter)
    try:
        handler(event, context_for(function))
    finally:
        records.removeHandler(counter)
    return counter.count


def _with_a_log_line(handler: Handler) -> Handler:
    """`handler` (a HookFunction) whose hook writes one `ctx.log` line before it runs."""
    loaded = handler.loaded  # type: ignore[attr-defined]
    hook = loaded.hook

    def logged(ctx: Any, *callback: Any) -> Any:
        ctx.log("Running the hook for:", ctx.request.user.get("user_id"))
        return hook(ctx, *callback)

    handler.loaded = dataclasses.replace(loaded, hook=logged)  # type: ignore[attr-defined]
    return handler


def warm_figures(template: Template) -> list[Figure]:
    functions = template.functions()
    loaded = {logical_id: load_handler(functions[logical_id]) for logical_id in WARM_EVENTS if logical_id in functions}
    with logs_to_devnull():
        for logical_id, handler in loaded.items():
            event = json.loads((EVENTS / WARM_EVENTS[logical_id]).read_text(encoding="utf-8"))
            if _hook_log_lines(handler, event, functions[logical_id]) == 0:
                loaded[logical_id] = _with_a_log_line(handler)
        load_before = os.getloadavg()[0]
        figures = [_warm_figure(logical_id, handler, functions[logical_id]) for logical_id, handler in loaded.items()]
        # Other processes on the machine slow the hook and the bare handler alike, but not by the
        # same microseconds: the overheads above are only comparable at a similar load.
        figures.append(
            Figure(GROUP, "machine load average during the warm runs", f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}")
        )
        if os.environ.get(PROFILE_VARIABLE):
            slowest = max(loaded, key=lambda logical_id: _p50_of(figures, logical_id))
            _profile(loaded[slowest], functions[slowest])
    return figures


def _p50_of(figures: list[Figure], logical_id: str) -> float:
    figure = next(f for f in figures if f.name.startswith(f"warm {logical_id},"))
    return float(figure.value.split(" ", 1)[0]) if figure.met is not None else 0.0


def _profile(handler: Handler, function: Function) -> None:
    """Where the slowest warm function spends its time (`BENCH_PROFILE=1 make bench ONLY=invoke`)."""
    from pyinstrument import Profiler

    event = json.loads((EVENTS / WARM_EVENTS[function.logical_id]).read_text(encoding="utf-8"))
    profiler = Profiler(interval=0.0001)
    with profiler:
        for _ in range(WARM_ROUNDS):
            _time_calls(handler, event, function, WARM_CALLS_PER_ROUND)
    print(f"\nprofile of warm {function.logical_id}:", file=sys.stderr)
    print(profiler.output_text(unicode=True, color=False), file=sys.stderr)


def _warm_figure(logical_id: str, handler: Handler, function: Function) -> Figure:
    event = json.loads((EVENTS / WARM_EVENTS[logical_id]).read_text(encoding="utf-8"))
    status = handler(event, context_for(function))["statusCode"]
    if status != 200:
        return Figure(GROUP, f"warm {logical_id}", f"fixture answered {status}, not 200")
    lines = _hook_log_lines(handler, event, function)
    _time_calls(handler, event, function, WARM_CALLS_PER_ROUND)  # warm-up: caches, branch predictors
    _time_calls(bare_handler, event, function, WARM_CALLS_PER_ROUND)
    hook_samples: list[float] = []
    bare_samples: list[float] = []
    for _ in range(WARM_ROUNDS):
        hook_samples += _time_calls(handler, event, function, WARM_CALLS_PER_ROUND)
        bare_samples += _time_calls(bare_handler, event, function, WARM_CALLS_PER_ROUND)
    overhead = percentile(hook_samples, 0.5) - percentile(bare_samples, 0.5)
    return Figure(
        GROUP,
        f"warm {logical_id}, {lines} ctx.log line{'' if lines == 1 else 's'} (us p50/p99)",
        f"{percentile(hook_samples, 0.5):.0f} / {percentile(hook_samples, 0.99):.0f} (overhead {overhead:.0f} p50)",
        f"bare {percentile(bare_samples, 0.5):.0f} / {percentile(bare_samples, 0.99):.0f}",
        f"overhead <= {WARM_TARGET_US:.0f} us p50",
        overhead <= WARM_TARGET_US,
    )


def _cold_ms(function: Function | None) -> float:
    command, env, cwd = cold_command(function)
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True)  # noqa: S603 - our own interpreter and module
    return (time.perf_counter() - started) * 1000


def cold_figures(template: Template) -> list[Figure]:
    functions = list(template.functions().values())
    # Bytecode is compiled once here, as `sam build` ships it; the timed runs then only read it.
    for function in [None, *functions]:
        command, env, cwd = cold_command(function)
        subprocess.run(command, env={**env, "PYTHONDONTWRITEBYTECODE": ""}, cwd=cwd, check=True)  # noqa: S603
    samples: dict[str, list[float]] = {"baseline": [], **{f.logical_id: [] for f in functions}}
    for _ in range(COLD_RUNS):
        samples["baseline"].append(_cold_ms(None))
        for function in functions:
            samples[function.logical_id].append(_cold_ms(function))
    baseline = median(samples["baseline"])
    figures = []
    for function in functions:
        value = median(samples[function.logical_id])
        storage_free = starts_without_aws_sdk(template, function)
        figures.append(
            Figure(
                GROUP,
                f"cold {function.logical_id} (ms, median of {COLD_RUNS})",
                f"{value:.1f} ({value / baseline:.2f}x)",
                f"Logger only {baseline:.1f}",
                f"<= {COLD_TARGET_RATIO}x" if storage_free else "(uses AWS from the start: no target)",
                value <= COLD_TARGET_RATIO * baseline if storage_free else None,
            )
        )
    return figures


def run() -> list[Figure]:
    template = Template(values=DEPLOY_PARAMETERS)  # the users function reads its pool's id at start
    return [*warm_figures(template), *cold_figures(template)]
