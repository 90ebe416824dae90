"""`make logs FUNCTION=...`: following one function's log file (`python -m local.function_logs`)."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import TYPE_CHECKING

from local.paths import ROOT
from local.processes import stop_process

if TYPE_CHECKING:
    from pathlib import Path


def _read_line(process: subprocess.Popen[str], timeout: float = 20.0) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    line = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line:
            return line
    return line


def test_make_logs_prints_the_log_and_then_follows_new_lines(tmp_path: Path) -> None:
    path = tmp_path / "AccessFunction.log"
    path.write_text("already there\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "local.function_logs", "AccessFunction", "--log-dir", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert _read_line(process) == "already there\n"
        with path.open("a") as handle:
            handle.write("appended later\n")
        assert _read_line(process) == "appended later\n"
    finally:
        stop_process(process, 10)
        if process.stdout is not None:
            process.stdout.close()
