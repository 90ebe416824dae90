"""`ctx.http`, the HTTP client a hook gets, against a real socket on 127.0.0.1."""

from __future__ import annotations

import socket
import time

from local.testing import call_hook, hook_from_source


def test_ctx_http_has_a_default_read_timeout(tmp_path, monkeypatch, captured_logs):
    monkeypatch.setenv("HOOK_HTTP_READ_TIMEOUT", "0.3")
    with socket.create_server(("127.0.0.1", 0)) as silent_server:  # accepts, never answers
        port = silent_server.getsockname()[1]
        source = f"def hook(ctx):\n    return ctx.http.get('http://127.0.0.1:{port}/').json()"
        function = hook_from_source(tmp_path, "settings", source)

        started = time.monotonic()
        status, body = call_hook(function, {}, timeout=10)

    assert status == 500, body
    assert body["error"] == "HookFailed"
    assert body["requestId"] == "test-request"
    assert "Traceback" not in body["message"]
    assert time.monotonic() - started < 3
    assert "ReadTimeout" in captured_logs.text
