"""Ending child processes of the local stack politely, then firmly.

Every child the stack starts (moto, DynamoDB Local's Java, the function workers), and every stack a
test or benchmark starts, is ended the same way: asked to stop, a grace period, then SIGKILL, and
always a `wait` so no zombie is left behind. Asking is SIGTERM; a function worker, started by
asyncio and reading its invocations from stdin, is asked by closing its stdin.
"""

from __future__ import annotations

import asyncio
import subprocess
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from types import TracebackType

GRACE_S = 3.0


class ServerProcess:
    """A local server in a child process: `start()` returns its endpoint, `stop()` ends it.

    Starting is two steps, so that several servers start side by side: `launch()` creates the process
    and returns at once, `wait_ready()` waits for its ready line and returns the endpoint (stopping
    the process and raising if none comes). A launched server is stopped by `stop()` whether or not it
    ever got ready. Used as a context manager, it is started on entry and stopped on exit, whatever happened.
    """

    def launch(self, port: int = 0) -> None:
        """Create the child process (on a free loopback port when `port` is 0), without waiting for it."""
        raise NotImplementedError

    def wait_ready(self) -> str:
        """Wait until the launched server accepts requests; return its endpoint, e.g. "http://127.0.0.1:41234"."""
        raise NotImplementedError

    def start(self, port: int = 0) -> str:
        """Launch the server and wait until it is ready; return its endpoint."""
        self.launch(port)
        return self.wait_ready()

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def stop_process(process: subprocess.Popen[str] | subprocess.Popen[bytes], grace_s: float = GRACE_S) -> None:
    """Terminate `process`, kill it if it is still alive after `grace_s`, and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


async def stop_async_process(process: asyncio.subprocess.Process, grace_s: float = GRACE_S) -> None:
    """Close the stdin of an asyncio child (its cue to exit), kill it if it is still alive after
    `grace_s`, and reap it."""
    if process.returncode is None and process.stdin is not None:
        process.stdin.close()
    try:
        await asyncio.wait_for(process.wait(), grace_s)
    except TimeoutError:
        if process.returncode is None:
            process.kill()
        await process.wait()
