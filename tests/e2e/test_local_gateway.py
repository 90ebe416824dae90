"""The local gateway's own answers to what is not a request it can pass on: API Gateway's 413 for a
request over its limits, 400 for bytes that are not HTTP, and the connection closed after either."""

from __future__ import annotations

import json
import socket
from typing import TYPE_CHECKING

import pytest

from local.gateway import MAX_BODY_BYTES, MAX_HEADER_BYTES

if TYPE_CHECKING:
    from local.testing import RunningStack

TOO_LARGE = (413, {"message": "Request Entity Too Large"})
BAD_REQUEST = (400, {"message": "Bad Request"})


def exchange(stack: RunningStack, raw: bytes) -> tuple[int, object]:
    """Send `raw` on a fresh connection and read the whole answer (the gateway closes it after)."""
    with socket.create_connection(("127.0.0.1", stack.port), timeout=30) as connection:
        connection.sendall(raw)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


@pytest.mark.parametrize(
    ("raw", "answer"),
    [
        (b"POST /hooks/access HTTP/1.1\r\nhost: x\r\ncontent-length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1), TOO_LARGE),
        (
            b"POST /hooks/access HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n%x\r\n" % (MAX_BODY_BYTES + 1)
            + b"x" * 1024,
            TOO_LARGE,
        ),
        (b"GET /health HTTP/1.1\r\nx-padding: " + b"x" * MAX_HEADER_BYTES + b"\r\n\r\n", TOO_LARGE),
        (b"NONSENSE\r\n\r\n", BAD_REQUEST),
        (b"GET /health HTTP/1.1\r\nno colon here\r\n\r\n", BAD_REQUEST),
        (b"POST /hooks/access HTTP/1.1\r\ncontent-length: many\r\n\r\n", BAD_REQUEST),
    ],
    ids=["content-length over 10 MiB", "chunks over 10 MiB", "headers over 64 KiB", "no request line",
         "header without colon", "content-length not a number"],
)  # fmt: skip
def test_what_the_gateway_cannot_pass_on_gets_api_gateways_answer(local_stack: RunningStack, raw, answer):
    assert exchange(local_stack, raw) == answer
