"""Each function's log stream: on the console prefixed with its name, and appended to
`.local/logs/<LogicalId>.log`, the local counterpart of the function's CloudWatch log group.

`make logs FUNCTION=<LogicalId>` follows that file (`python -m local.function_logs`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import IO

from .paths import STATE_DIR

LOG_DIR = STATE_DIR / "logs"
_COLOURS = ["36", "32", "35", "33", "34", "91", "96", "92", "95", "93"]


class FunctionLog:
    """Where one function's lines go. `echo` is False when only the files are wanted (benchmarks)."""

    def __init__(self, logical_id: str, log_dir: Path, *, echo: bool = True, colour_index: int = 0) -> None:
        self.logical_id = logical_id
        self.path = log_dir / f"{logical_id}.log"
        log_dir.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = self.path.open("a", encoding="utf-8")
        self._echo = echo
        self._partial = ""
        colour = _COLOURS[colour_index % len(_COLOURS)]
        self._prefix = f"\033[{colour}m{logical_id}\033[0m | " if sys.stdout.isatty() else f"{logical_id} | "

    def write(self, line: str) -> None:
        """One line of the stack's own (a timeout, a cold start)."""
        self.write_chunk(line.rstrip("\n") + "\n")

    def write_chunk(self, text: str) -> None:
        """What the function wrote, as it arrived: whole to the file, line by line to the console."""
        self._file.write(text)
        self._file.flush()
        if not self._echo:
            return
        *lines, self._partial = (self._partial + text).split("\n")
        if lines:
            sys.stdout.write("".join(f"{self._prefix}{line}\n" for line in lines))
            sys.stdout.flush()

    def close(self) -> None:
        self._file.close()


def follow(path: Path, out: IO[str] = sys.stdout, poll_s: float = 0.2) -> None:
    """`tail -F`: print what is in `path`, then every line appended to it (a new file is picked up)."""
    while not path.exists():
        time.sleep(poll_s)
    handle = path.open(encoding="utf-8")
    try:
        while True:
            line = handle.readline()
            if line:
                out.write(line)
                out.flush()
                continue
            if path.exists() and path.stat().st_ino != _inode(handle):
                handle.close()
                handle = path.open(encoding="utf-8")
                continue
            time.sleep(poll_s)
    finally:
        handle.close()


def _inode(handle: IO[str]) -> int:
    import os

    return os.fstat(handle.fileno()).st_ino


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="follow one function's log, as `make logs FUNCTION=...` does")
    parser.add_argument("function", help="the function's logical id, e.g. AccessFunction")
    parser.add_argument("--log-dir", type=Path, default=LOG_DIR)
    args = parser.parse_args(argv)
    path = args.log_dir / f"{args.function}.log"
    if not path.exists():
        print(f"waiting for {path} (is `make run` running, and has {args.function} been called?)", file=sys.stderr)
    try:
        follow(path)
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
