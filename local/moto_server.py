"""moto's server for the services that have no official local build: SQS, SSM, Secrets Manager.

It runs in a child process of its own, not in a thread of the caller: the gateway and the tests keep
their interpreter (and its GIL) to themselves, moto's global state never mixes with a test's
`mock_aws`, and stopping it is ending one process. The child binds port 0 itself and reports the
port it got, so two stacks started at once never race for a port. It also watches its stdin: when
the parent goes away without calling `stop` (killed, crashed), the pipe closes and the child exits,
so no moto server outlives the process that started it. Web pages in the developer's browser are
refused (local.loopback_guard): moto itself would answer them with CORS `*`.

`python -m local.moto_server [--port N]` is the child's entry point.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any

from .loopback_guard import LoopbackGuard
from .paths import ROOT
from .processes import ServerProcess, stop_process

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

READY_PREFIX = "moto-ready "
START_TIMEOUT_S = 60.0


class MotoServer(ServerProcess):
    """A moto server on a loopback port, started by `start` and ended by `stop` (or `with`)."""

    module = "local.moto_server"  # the child's entry point
    ready_prefix = READY_PREFIX
    name = "moto server"

    def __init__(self, log_path: Path | None = None) -> None:
        self._log_path = log_path
        self._process: subprocess.Popen[str] | None = None
        self.endpoint: str | None = None

    def arguments(self) -> list[str]:
        """The child's arguments after `--port N`."""
        return []

    def environment(self) -> dict[str, str]:
        """Variables the child gets on top of this process's."""
        return {}

    def launch(self, port: int = 0) -> None:
        if self._process is not None:
            raise RuntimeError(f"this {self.name} is already started")
        log = self._log_path.open("ab") if self._log_path else subprocess.DEVNULL
        try:
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-m", self.module, "--port", str(port), *self.arguments()],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                cwd=ROOT,
                env={**os.environ, **self.environment(), "PYTHONUNBUFFERED": "1"},
            )
        finally:
            if self._log_path:
                log.close()  # type: ignore[union-attr]

    def wait_ready(self) -> str:
        self.endpoint = f"http://127.0.0.1:{self._read_port()}"
        return self.endpoint

    def _read_port(self) -> int:
        if self._process is None:
            raise RuntimeError(f"this {self.name} was not launched")
        assert self._process.stdout is not None
        ready, _, _ = select.select([self._process.stdout], [], [], START_TIMEOUT_S)
        line = self._process.stdout.readline() if ready else ""
        if not line.startswith(self.ready_prefix):
            self.stop()
            raise RuntimeError(f"{self.name} did not start (got {line!r}); see its log")
        return int(line[len(self.ready_prefix) :])

    def stop(self) -> None:
        """End the server and wait for it; safe to call twice."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin:
            process.stdin.close()
        stop_process(process)
        if process.stdout:
            process.stdout.close()
        self.endpoint = None


def serve_until_stdin_closes(port: int, ready_prefix: str, wrap: Callable[[Any], Any] = lambda app: app) -> None:
    """Serve moto's backends (through `wrap`, then the loopback guard) on 127.0.0.1:`port`, print
    `ready_prefix` and the bound port, and return once stdin closes (the parent stopped or died)."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    app = LoopbackGuard(wrap(_dispatcher()(create_backend_app)))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"{ready_prefix}{server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()


def _dispatcher() -> type:
    """moto's dispatcher, remembering which backend serves each host it was asked for.

    moto looks the backend up again for every request, by listing the folders of its own package and
    then trying its URL patterns one after another: a fifth to a quarter of what a Cognito or SQS
    request cost its server. A host's backend is fixed for an installed moto, so it is found once.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    class RememberingDispatcher(DomainDispatcherApplication):
        def __init__(self, create_app: Callable[[str], Any]) -> None:
            super().__init__(create_app)
            self._backends: dict[str | None, Any] = {}

        def get_backend_for_host(self, host: str | None) -> Any:
            if host not in self._backends:
                self._backends[host] = super().get_backend_for_host(host)
            return self._backends[host]

    return RememberingDispatcher


def _serve(port: int) -> None:
    """The child: serve on 127.0.0.1:`port`, print the bound port, exit when stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops this server itself
    serve_until_stdin_closes(port, READY_PREFIX)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="moto server for SQS, SSM and Secrets Manager")
    parser.add_argument("--port", type=int, default=0)
    _serve(parser.parse_args().port)
