"""HTTP latency and throughput through the local gateway, beside a minimal stdlib server, same run.

The stack is `make run`'s (`python -m local.stack`, function logs to files only), serving
template.yaml; the request is the access hook's most common one (events/ fixture
access-read-user-own-department.json) with a valid token, so every request pays for the JWT check,
the event, the worker round trip and the hook itself. The baseline is the least an HTTP server can
do in Python: a stdlib `http.server` in its own process answering a constant over HTTP/1.1
keep-alive. Both are driven by the same client: kept-alive raw sockets (one per concurrent
client), requests prepared once, so that the client costs as little CPU as it can on a 2-core box.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from local.paths import EVENTS, TEMPLATE
from local.processes import stop_process
from local.testing import start_stack

from .figures import Figure, percentile

GROUP = "http"
EVENT = EVENTS / "access-read-user-own-department.json"
WARMUP_REQUESTS = 200
REQUESTS_C1 = 2000
REQUESTS_C8 = 4000
P50_TARGET_MS = 5.0
RPS_TARGET = 400.0

_BASELINE_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Constant(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 65536  # one write per response (flushed by the base class), no delayed-ACK stall
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = b'{"allowed":true,"user":null}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Constant)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


class _Client:
    """One kept-alive connection sending a prepared request and reading each response whole."""

    def __init__(self, port: int, request: bytes) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request = request
        self.buffer = b""

    def call(self) -> int:
        self.sock.sendall(self.request)
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._recv()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            rest += self._recv()
        self.buffer = rest[length:]
        return int(head.split(b" ", 2)[1])

    def _recv(self) -> bytes:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        return data

    def close(self) -> None:
        self.sock.close()


def _prepared(path: str, body: bytes, token: str | None) -> bytes:
    auth = f"authorization: Bearer {token}\r\n" if token else ""
    return (
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n{auth}"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body


def _drive(port: int, request: bytes, concurrency: int, total: int) -> tuple[list[float], float]:
    """Latencies (ms) of `total` requests over `concurrency` connections, and requests per second."""
    per_client = total // concurrency
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    clients = [_Client(port, request) for _ in range(concurrency)]
    start = threading.Barrier(concurrency + 1)

    def run(index: int) -> None:
        client, samples = clients[index], latencies[index]
        start.wait()
        for _ in range(per_client):
            began = time.perf_counter()
            status = client.call()
            samples.append((time.perf_counter() - began) * 1000)
            if status != 200:
                raise RuntimeError(f"status {status}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    for client in clients:
        client.close()
    flat = [sample for samples in latencies for sample in samples]
    return flat, len(flat) / elapsed


def _figures(
    name: str, gateway: tuple[list[float], float], baseline: tuple[list[float], float], c: int
) -> list[Figure]:
    (lat, rps), (base_lat, base_rps) = gateway, baseline
    p50, p99 = percentile(lat, 0.5), percentile(lat, 0.99)
    return [
        Figure(
            GROUP,
            f"{name} c={c} p50",
            f"{p50:.2f} ms",
            f"{percentile(base_lat, 0.5):.2f} ms",
            f"<= {P50_TARGET_MS:g} ms" if c == 1 else "",
            p50 <= P50_TARGET_MS if c == 1 else None,
        ),
        Figure(GROUP, f"{name} c={c} p99", f"{p99:.2f} ms", f"{percentile(base_lat, 0.99):.2f} ms"),
        Figure(
            GROUP,
            f"{name} c={c} requests/s",
            f"{rps:.0f}",
            f"{base_rps:.0f}",
            f">= {RPS_TARGET:g}" if c == 8 else "",
            rps >= RPS_TARGET if c == 8 else None,
        ),
    ]


def run() -> list[Figure]:
    event = json.loads(EVENT.read_text(encoding="utf-8"))
    body = event["body"].encode()
    baseline = subprocess.Popen(  # noqa: S603 - our interpreter, our script
        [sys.executable, "-c", _BASELINE_SERVER], stdout=subprocess.PIPE, text=True
    )
    with tempfile.TemporaryDirectory() as state:
        stack = start_stack(TEMPLATE, Path(state), "--quiet")
        try:
            assert baseline.stdout is not None
            baseline_port = int(baseline.stdout.readline())
            token = stack.token("hooks:invoke")
            gateway_request = _prepared("/hooks/access", body, token)
            baseline_request = _prepared("/hooks/access", body, None)
            _drive(stack.port, gateway_request, 1, WARMUP_REQUESTS)
            _drive(baseline_port, baseline_request, 1, WARMUP_REQUESTS)
            figures: list[Figure] = []
            for concurrency, total in ((1, REQUESTS_C1), (8, REQUESTS_C8)):
                measured = _drive(stack.port, gateway_request, concurrency, total)
                reference = _drive(baseline_port, baseline_request, concurrency, total)
                figures += _figures("POST /hooks/access", measured, reference, concurrency)
            return figures
        finally:
            stack.stop()
            stop_process(baseline)
