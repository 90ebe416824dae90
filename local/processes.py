"""Ending child processes of the local stack politely, then firmly.

Every child the stack starts (moto, DynamoDB Local's Java, the function workers) is ended the same
way: SIGTERM, a short grace period, then SIGKILL, and always a `wait` so no zombie is left behind.
"""

from __future__ import annotations

import subprocess

GRACE_S = 3.0


def stop_process(process: subprocess.Popen[str] | subprocess.Popen[bytes], grace_s: float = GRACE_S) -> None:
    """Terminate `process`, kill it if it is still alive after `grace_s`, and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()
