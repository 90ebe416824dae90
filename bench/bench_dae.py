"""What a forwarding hook of `make dae-hooks` adds to a hook call, and how fast it gives up.

The stack is `make run`'s serving template.yaml. The baseline is the same request (the access hook's
most common one, events/ access-read-user-own-department.json) sent straight to the route from
Python over a kept-alive connection; the figure is the forwarding hook, run in Node as the extension
runs it (local/sandboxes.js, require('request')), calling the same route with its token cached in
ctx.global, one call after another in one warm process. Their difference is what forwarding costs
per call on top of the hook itself. The timeout figure is a call to a server that never answers,
with a 1,000 ms budget: when the callback comes.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local.paths import TEMPLATE
from local.testing import SilentServer, extension_ctx, load_event, run_extension_hook, start_stack
from tools.dae.forwarding import TOKEN_KEY, write_all

from .figures import Figure, median, percentile

if TYPE_CHECKING:
    from local.testing import RunningStack

GROUP = "dae forwarding"
EVENT = "access-read-user-own-department.json"
WARMUP_CALLS = 20
CALLS = 300
OVERHEAD_TARGET_MS = 5.0
TIMEOUT_BUDGET_MS = 1000
TIMEOUT_SLACK_MS = 100


def _direct_ms(stack: RunningStack, body: dict[str, Any], token: str) -> list[float]:
    for _ in range(WARMUP_CALLS):
        stack.request("POST", "/hooks/access", body, token=token)
    samples = []
    for _ in range(CALLS):
        started = time.perf_counter()
        response = stack.request("POST", "/hooks/access", body, token=token)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, response.body
    return samples


def _forwarded_ms(script: str, body: dict[str, Any], token: str) -> list[float]:
    cached = {TOKEN_KEY: {"accessToken": token, "expiresAt": (time.time() + 3600) * 1000}}
    calls = [extension_ctx(body)] * (WARMUP_CALLS + CALLS)
    report = run_extension_hook(script, calls, global_state=cached, settle_ms=0)
    outcomes = report["outcomes"][WARMUP_CALLS:]
    assert all(outcome["error"] is None for outcome in outcomes), outcomes[:3]
    return [outcome["elapsedMs"] for outcome in outcomes]


def _timeout_ms(directory: Path, body: dict[str, Any], token: str) -> float:
    cached = {TOKEN_KEY: {"accessToken": token, "expiresAt": (time.time() + 3600) * 1000}}
    with SilentServer() as silent:
        write_all(directory / "silent", silent.url, budget_ms=TIMEOUT_BUDGET_MS)
        script = (directory / "silent" / "access.js").read_text()
        outcome = run_extension_hook(script, [extension_ctx(body)], global_state=cached)["outcomes"][0]
    return float(outcome["elapsedMs"])


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        stack = start_stack(TEMPLATE, directory / "state", "--quiet")
        try:
            write_all(directory / "hooks", stack.url)
            token = stack.token("hooks:invoke", gty="client-credentials", sub="bench@clients")
            body = json.loads(load_event(EVENT)["body"])
            direct = _direct_ms(stack, body, token)
            forwarded = _forwarded_ms((directory / "hooks" / "access.js").read_text(), body, token)
            timeout = _timeout_ms(directory, body, token)
        finally:
            stack.stop()
    overhead = median(forwarded) - median(direct)
    return [
        Figure(
            GROUP, "access via forwarding hook p50", f"{median(forwarded):.2f} ms", f"{median(direct):.2f} ms direct"
        ),
        Figure(
            GROUP,
            "access via forwarding hook p99",
            f"{percentile(forwarded, 0.99):.2f} ms",
            f"{percentile(direct, 0.99):.2f} ms direct",
        ),
        Figure(
            GROUP,
            "forwarding overhead per call (p50)",
            f"{overhead:.2f} ms",
            target=f"<= {OVERHEAD_TARGET_MS} ms",
            met=overhead <= OVERHEAD_TARGET_MS,
        ),
        Figure(
            GROUP,
            f"hung server: callback after (budget {TIMEOUT_BUDGET_MS} ms)",
            f"{timeout:.0f} ms",
            target=f"<= {TIMEOUT_BUDGET_MS + TIMEOUT_SLACK_MS} ms",
            met=TIMEOUT_BUDGET_MS <= timeout <= TIMEOUT_BUDGET_MS + TIMEOUT_SLACK_MS,
        ),
    ]
