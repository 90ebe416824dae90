"""Warm worker processes per function, as Lambda keeps containers: the local stack's execution model.

Each concurrent execution of a function is one `local.function_process` process that imports the handler
once and then serves invocations one at a time, so module state lives across requests (a warm
container) and is never shared with another function. A function runs up to `concurrency`
invocations in parallel (the template's ReservedConcurrentExecutions when lower); further
invocations wait for a free worker.

What Lambda does when things go wrong, done here the same way:
- an invocation still running at the function's `Timeout` has its worker killed and is a function
  error ("Task timed out after N seconds" in the log); the next invocation cold-starts a worker;
- a worker that dies mid-invocation (os._exit, a segfault) is a function error
  ("Runtime exited with error"), and is replaced by a cold start;
- an exception from the handler is a function error; the worker stays warm.
Hot reload: before each invocation, `CodeWatch` says whether a file under the function's CodeUri
or layers changed; if so, idle workers are retired and busy ones retire after their invocation,
so the next invocation runs the new code in a fresh worker.
"""

from __future__ import annotations

import asyncio
import codecs
import collections
import json
import os
import sys
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from .code_watch import CodeWatch
from .function_logs import FunctionLog
from .paths import ROOT
from .processes import stop_async_process

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from .template import Function

DEFAULT_CONCURRENCY = 4
INIT_TIMEOUT_S = 10.0  # Lambda's limit for the init phase
KILL_GRACE_S = 2.0
# Variables of the developer's shell a worker may see; AWS credentials and profiles are not among them.
_INHERITED = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "SYSTEMROOT")
_LOG_CHUNK = 64 * 1024
_STREAM_LIMIT = 64 * 1024 * 1024  # one answer line may carry a 6 MB response and more


class FunctionError(Exception):
    """The invocation failed as a Lambda function error: timeout, crash, or an unhandled exception."""


def worker_environment(function: Function, aws_environment: dict[str, str]) -> dict[str, str]:
    """What a worker process sees: the Lambda runtime's variables, the local AWS endpoints and
    dummy credentials, then the function's own variables from the template."""
    inherited = {name: os.environ[name] for name in _INHERITED if name in os.environ}
    return {
        **inherited,
        "TZ": ":UTC",
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.logical_id}",
        "LAMBDA_TASK_ROOT": str(function.code_uri),
        "_HANDLER": function.handler,
        **aws_environment,
        **function.environment,
    }


class Worker:
    """One worker process and its pipes."""

    def __init__(self, process: asyncio.subprocess.Process, generation: int, log_task: asyncio.Task[None]) -> None:
        self.process = process
        self.generation = generation
        self.log_task = log_task

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    async def call(self, message: Any, timeout: float) -> dict[str, Any]:
        """Send one line and read the answer line; TimeoutError if none comes in `timeout`,
        ConnectionError if the process ends first."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            raise ConnectionError("worker exited")
        return json.loads(line)

    async def stop(self) -> None:
        """End the worker (stdin closed, killed if it lingers), reap it, drain its log."""
        await stop_async_process(self.process, KILL_GRACE_S)
        await self.log_task

    def kill(self) -> None:
        if self.alive:
            self.process.kill()


class FunctionPool:
    """The warm workers of one function."""

    def __init__(self, function: Function, environment: dict[str, str], log: FunctionLog, concurrency: int) -> None:
        self.function = function
        self.environment = environment
        self.log = log
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._idle: collections.deque[Worker] = collections.deque()
        self._all: set[Worker] = set()
        self._generation = 0
        self._code = CodeWatch([function.code_uri, *function.layers])
        self.cold_starts = 0

    async def invoke(self, event: Any) -> Any:
        async with self._slots:
            self._reload_if_code_changed()
            worker = self._idle.pop() if self._idle else await self._start_worker()
            try:
                answer = await self._call(worker, event)
            finally:
                if worker.alive and worker.generation == self._generation:
                    self._idle.append(worker)
                else:
                    self._all.discard(worker)
                    asyncio.ensure_future(worker.stop())
        if not answer.get("ok"):
            error = answer.get("error") or {}
            raise FunctionError(f"{error.get('errorType')}: {error.get('errorMessage')}")
        return answer["result"]

    async def _call(self, worker: Worker, event: Any) -> dict[str, Any]:
        started = time.monotonic()
        try:
            return await worker.call(event, self.function.timeout)
        except TimeoutError:
            worker.kill()
            await worker.process.wait()
            elapsed = time.monotonic() - started
            self.log.write(f"{_timestamp()} Task timed out after {elapsed:.2f} seconds")
            raise FunctionError(f"{self.function.logical_id} timed out after {self.function.timeout:g} s") from None
        except asyncio.CancelledError:
            worker.kill()  # its answer would be read by the next invocation: this worker is done
            raise
        except ConnectionError:
            code = await worker.process.wait()
            reason = f"signal: {_signal_name(-code)}" if code < 0 else f"exit status {code}"
            self.log.write(f"{_timestamp()} Error: Runtime exited with error: {reason} Runtime.ExitError")
            raise FunctionError(f"{self.function.logical_id} worker exited ({reason})") from None

    def _reload_if_code_changed(self) -> None:
        if not self._code.changed():
            return
        self._generation += 1
        self.log.write(f"{_timestamp()} code changed: the next invocation starts a new worker")
        while self._idle:
            worker = self._idle.pop()
            self._all.discard(worker)
            asyncio.ensure_future(worker.stop())

    async def _start_worker(self) -> Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "local.function_process",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=ROOT,
            env=self.environment,
            limit=_STREAM_LIMIT,
        )
        assert process.stderr is not None
        worker = Worker(process, self._generation, asyncio.ensure_future(self._pump_log(process.stderr)))
        self._all.add(worker)
        self.cold_starts += 1
        try:
            ready = await worker.call(_spec_of(self.function), INIT_TIMEOUT_S)
        except (TimeoutError, ConnectionError):
            ready = {"ready": False, "error": {"errorType": "Runtime.InitError", "errorMessage": "init failed"}}
        if not ready.get("ready"):
            self._all.discard(worker)
            worker.kill()
            await worker.stop()
            error = ready.get("error") or {}
            raise FunctionError(f"init failed: {error.get('errorType')}: {error.get('errorMessage')}")
        self.log.write(f"{_timestamp()} cold start: init took {ready.get('init_ms')} ms")
        return worker

    async def _pump_log(self, stream: asyncio.StreamReader) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        while chunk := await stream.read(_LOG_CHUNK):
            self.log.write_chunk(decoder.decode(chunk))

    async def warm_up(self) -> None:
        """Start one worker ahead of the first request (sam's `--warm-containers EAGER`)."""
        async with self._slots:
            self._idle.append(await self._start_worker())

    async def stop(self) -> None:
        workers, self._all = list(self._all), set()
        self._idle.clear()
        for worker in workers:
            worker.kill()
        await asyncio.gather(*(worker.stop() for worker in workers))
        self._code.close()
        self.log.close()

    def pids(self) -> list[int]:
        return [worker.process.pid for worker in self._all if worker.alive]


class WorkerPool:
    """Every function's workers. `invoke_async` on the pool's event loop; `invoke` from any other thread
    (for example the SQS event source)."""

    def __init__(
        self,
        functions: dict[str, Function],
        aws_environment: dict[str, str],
        log_dir: Path,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        reserved: dict[str, int] | None = None,
        echo: bool = True,
    ) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pools: dict[str, FunctionPool] = {}
        for index, (logical_id, function) in enumerate(sorted(functions.items())):
            limit = min(concurrency, (reserved or {}).get(logical_id, concurrency))
            log = FunctionLog(logical_id, log_dir, echo=echo, colour_index=index)
            self.pools[logical_id] = FunctionPool(
                function, worker_environment(function, aws_environment), log, max(1, limit)
            )

    async def start(self, warm: bool = True) -> None:
        """Bind to the running loop; with `warm`, start one worker per function now."""
        self.loop = asyncio.get_running_loop()
        if warm:
            results = await asyncio.gather(*(pool.warm_up() for pool in self.pools.values()), return_exceptions=True)
            for pool, result in zip(self.pools.values(), results, strict=True):
                if isinstance(result, BaseException):
                    pool.log.write(f"{_timestamp()} warm-up failed: {result}")

    async def invoke_async(self, logical_id: str, event: Any) -> Any:
        """The function's result, or FunctionError."""
        return await self.pools[logical_id].invoke(event)

    def invoke(self, logical_id: str, event: Any) -> Any:
        """`invoke_async` from a thread other than the loop's; blocks until the result."""
        if self.loop is None:
            raise RuntimeError("the worker pool is not started")
        return asyncio.run_coroutine_threadsafe(self.invoke_async(logical_id, event), self.loop).result()

    def invoker(self, logical_id: str) -> Callable[[dict[str, Any]], Any]:
        """A one-argument `invoke` for one function, the shape an event source wants."""
        return lambda event: self.invoke(logical_id, event)

    async def stop(self) -> None:
        await asyncio.gather(*(pool.stop() for pool in self.pools.values()))

    def pids(self) -> list[int]:
        return [pid for pool in self.pools.values() for pid in pool.pids()]


def _spec_of(function: Function) -> dict[str, Any]:
    spec = asdict(function)
    spec.pop("events", None)
    return json.loads(json.dumps(spec, default=str))


def _timestamp() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name.removeprefix("SIG").lower()
    except ValueError:
        return str(number)
