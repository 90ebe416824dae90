"""Unit tests run in this interpreter only: no process, no socket, no Java. A test that tries to
connect, listen or start a process fails at once, saying where it belongs."""

from __future__ import annotations

import socket
import subprocess
from typing import Any

import pytest


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("a unit test may not use a socket or start a process: it belongs in tests/functional")


@pytest.fixture(autouse=True)
def _in_this_interpreter_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("connect", "connect_ex", "bind"):
        monkeypatch.setattr(socket.socket, name, _refuse)
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse)
    # No table either (the session's warm functions put the template's TABLE_NAME in the environment):
    # what a function would keep there, a hook's failure say, is not even attempted.
    monkeypatch.delenv("TABLE_NAME", raising=False)
