"""One warm "container" of a function: the process `local.worker_pool` starts per concurrent execution.

Run as `python -m local.function_process`. The protocol is newline-delimited JSON: the first line on stdin
describes the function (from the template); the worker imports its handler (the init phase),
answers `{"ready": ...}`, then reads one invocation per line and answers one result per line.
Its original stdout carries only that protocol: file descriptor 1 is pointed at stderr before the
function is imported, so whatever the function prints or logs (Powertools writes to stdout) goes
to the log stream, as in Lambda, along with the runtime's START/END/REPORT lines.

The handler runs on the main thread, as in the Lambda runtime (the layer's deadline uses SIGALRM).
The worker ends when stdin closes or its parent dies.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import IO, Any

from local.lambda_runtime import context_for, load_handler, start_trace
from local.paths import ROOT
from local.template import Function

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: be killed when the gateway dies, even if it could not stop this worker itself."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:
        os._exit(1)


def _protocol_channel() -> IO[str]:
    """Keep the real stdout for answers and point fd 1 (print, Powertools) at the log stream."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    sys.stderr.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    return channel


def _outside_this_repository(entry: str) -> bool:
    """Whether a sys.path entry stays: Lambda's sys.path has the task root and the layers (put back by
    `load_handler`), not this repository, whose root and layer the editable install adds for the tools.
    The virtualenv's site-packages stay, even inside the repository: they stand in for the layer's
    dependencies."""
    if not entry:
        return False
    path = Path(entry).resolve()
    environment = Path(sys.prefix).resolve()
    return not path.is_relative_to(ROOT) or path.is_relative_to(environment)


def _send(channel: IO[str], message: dict[str, Any]) -> None:
    channel.write(json.dumps(message, separators=(",", ":")) + "\n")
    channel.flush()


def _function_from(spec: dict[str, Any]) -> Function:
    return Function(
        logical_id=spec["logical_id"],
        code_uri=Path(spec["code_uri"]),
        handler=spec["handler"],
        timeout=float(spec["timeout"]),
        memory_mb=int(spec["memory_mb"]),
        layers=[Path(layer) for layer in spec["layers"]],
        environment=spec["environment"],
    )


def _error_of(error: BaseException, error_type: str | None = None) -> dict[str, Any]:
    """Lambda's error document, and its `[ERROR]` log line (with the traceback) as Python's runtime writes it."""
    kind = error_type or type(error).__name__
    print(f"[ERROR] {kind}: {error}", file=sys.stderr)
    traceback.print_exception(error, file=sys.stderr)
    return {"errorType": kind, "errorMessage": str(error)}


def _invoke(handler: Any, function: Function, event: Any) -> str:
    """Run one invocation and return its answer line: the result, or the function error."""
    context = context_for(function)
    start_trace()
    request_id = context.aws_request_id
    print(f"START RequestId: {request_id} Version: $LATEST")
    started = time.perf_counter()
    try:
        result = handler(event, context)
        answer = json.dumps({"ok": True, "result": result}, separators=(",", ":"))
    except Exception as error:  # any failure of the function is Lambda's "function error"
        answer = json.dumps({"ok": False, "error": _error_of(error)})
    except BaseException as error:  # noqa: B036 - SystemExit and friends end the runtime in Lambda too
        _error_of(error, "Runtime.ExitError")
        raise
    duration_ms = (time.perf_counter() - started) * 1000
    print(f"END RequestId: {request_id}")
    # As Lambda writes it: the duration rounded up to whole milliseconds, and the most memory this
    # "container" used so far (the process's peak resident set; kilobytes on Linux).
    max_used_mb = math.ceil(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
        f"Billed Duration: {max(1, math.ceil(duration_ms))} ms\tMemory Size: {function.memory_mb} MB\t"
        f"Max Memory Used: {max_used_mb} MB"
    )
    return answer


def main() -> int:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for `make run`, which stops its workers itself
    channel = _protocol_channel()
    spec = json.loads(sys.stdin.readline())
    function = _function_from(spec)
    sys.path[:] = [entry for entry in sys.path if _outside_this_repository(entry)]
    started = time.perf_counter()
    try:
        handler = load_handler(function, set_environment=False)
    except Exception as error:
        _send(channel, {"ready": False, "error": _error_of(error, "Runtime.ImportModuleError")})
        return 1
    _send(channel, {"ready": True, "init_ms": round((time.perf_counter() - started) * 1000, 2)})
    for line in sys.stdin:
        answer = _invoke(handler, function, json.loads(line))
        channel.write(answer + "\n")
        channel.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
