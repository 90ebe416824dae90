"""`make invoke` while `make run` is up: the invoker finds the running stack and uses its endpoints."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from local.paths import ROOT

if TYPE_CHECKING:
    from local.testing import RunningStack


def test_invoker_reaches_the_running_local_stack(local_stack: RunningStack) -> None:
    """While `make run` is up, `make invoke` uses its DynamoDB Local: it reads what the API wrote."""
    token = local_stack.token("custom-data:write")
    data = {"departments": ["IT", "Legal", "Payroll"], "written_by": "test_invoker_reaches_the_running_local_stack"}
    written = local_stack.request("PUT", "/custom-data", {"data": data}, token=token)
    assert written.status == 200

    completed = subprocess.run(
        [sys.executable, "-m", "local.invoke", "CustomDataFunction", "events/custom-data-read.json"]
        + ["--stack", str(local_stack.state_dir / "ready.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    response = json.loads(completed.stdout)
    assert json.loads(response["body"])["data"] == data
