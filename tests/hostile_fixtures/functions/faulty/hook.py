"""A settings hook that misbehaves on request: `payload.fault` says how, anything else answers normally.

Used in process (tests/test_hostile_faults.py) and behind the local gateway
(tests/test_hostile_gateway.py), so the same faults are checked at both levels.
"""

import datetime
import time
from typing import Any

from dahooks import Context

# Secrets a crash or a log line could leak: tests check they never reach a response or a log file.
CRASH_SECRET = "hunter2-in-a-crash"


def _hang() -> None:
    while True:
        try:
            time.sleep(60)
        except Exception:  # noqa: S112 - the point: a hook that tries to outlive its deadline
            continue


def hook(ctx: Context) -> Any:
    fault = ctx.payload.get("fault")
    if fault == "raise":
        raise RuntimeError(f"could not connect with password {CRASH_SECRET}")
    if fault == "hang":
        _hang()
    if fault == "wrong-shape":
        return ["not", "a", "settings", "object"]
    if fault == "not-json":
        return {"generated": datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC), "tags": {"a", "b"}}
    if fault == "nan":
        return {"ratio": float("nan")}  # json.dumps would write NaN, which no JSON parser accepts
    if fault == "exit":
        raise SystemExit(3)
    return {"title": "ok"}
