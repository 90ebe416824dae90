"""A stack (a session-scoped fixture of tests/e2e) is stopped once the last test using it has run,
not when the session ends: checked on a tree of tests of its own, run by a pytest of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

from local.paths import ROOT

if TYPE_CHECKING:
    from pathlib import Path

LOG = """
from pathlib import Path


def log(line):
    with (Path(__file__).parents[{depth}] / "log.txt").open("a") as stream:
        stream.write(line + "\\n")
"""
ROOT_CONFTEST = """
import pytest

from tests.conftest import pytest_collection_finish, pytest_runtest_teardown  # the hooks under test


@pytest.fixture(scope="session")
def helper():  # session-scoped too, but not of tests/e2e: kept to the session's end
    log("helper started")
    yield
    log("helper stopped")
"""
E2E_CONFTEST = """
import pytest


@pytest.fixture(scope="session")
def stack():
    log("stack started")
    yield
    log("stack stopped")
"""
E2E_TESTS = """
def test_first(stack, helper):
    log("first")


def test_between():
    log("between")


def test_last(stack):
    log("last")


def test_after():
    log("after")
"""


def test_a_stack_stops_after_its_last_test_and_not_between_its_tests(tmp_path: Path) -> None:
    files = {
        "conftest.py": LOG.format(depth=0) + ROOT_CONFTEST,
        "tests/e2e/conftest.py": LOG.format(depth=2) + E2E_CONFTEST,
        "tests/e2e/test_stack.py": LOG.format(depth=2) + E2E_TESTS,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    # Not the options of the pytest running this test (PYTEST_ADDOPTS): they may name its own plugins.
    environment = {name: value for name, value in os.environ.items() if name != "PYTEST_ADDOPTS"}
    environment["PYTHONPATH"] = str(ROOT)

    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--import-mode=importlib", "--rootdir", str(tmp_path)]
        + ["-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:anyio", "tests"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (tmp_path / "log.txt").read_text().splitlines() == [
        "stack started",
        "helper started",
        "first",
        "between",
        "last",
        "stack stopped",
        "after",
        "helper stopped",
    ]
