"""`make lint` runs cfn-lint again only when the template or the locked cfn-lint changed since it
passed (`make -n` shows what it would run; the stamp of a pass is a file of the test's own)."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

from local.paths import ROOT

if TYPE_CHECKING:
    from pathlib import Path

CFN_LINT = "cfn-lint template.yaml --regions us-east-1"


def would_run(stamp: Path, *arguments: str) -> str:
    command = ["make", "--no-print-directory", "-n", "-C", str(ROOT), "lint", f"CFN_LINT_PASSED={stamp}", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout  # noqa: S603


def test_a_template_that_passed_is_not_linted_again(tmp_path: Path) -> None:
    stamp = tmp_path / "cfn-lint.passed"
    assert CFN_LINT in would_run(stamp)  # never passed here: linted

    stamp.touch()  # passed, after the template and the lock were last written

    assert CFN_LINT not in would_run(stamp)
    assert "ruff check" in would_run(stamp)  # ruff runs every time


def test_an_edited_template_or_lock_is_linted_again(tmp_path: Path) -> None:
    stamp = tmp_path / "cfn-lint.passed"
    stamp.touch()

    assert CFN_LINT in would_run(stamp, "-W", "template.yaml")
    assert CFN_LINT in would_run(stamp, "-W", "requirements/dev.txt")
