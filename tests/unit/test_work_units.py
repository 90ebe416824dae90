"""How tests/conftest.py sizes the work units it hands out longest first: by the seconds each module
took (tests/durations.json), else by a rough estimate per tier; and how --write-durations records them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from tests import conftest

if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class Item:  # what _work_units reads of a pytest item (none of these uses a fixture)
    nodeid: str
    fixturenames: list[str] = field(default_factory=list)


@dataclass
class Report:  # what the recorder reads of a test report
    nodeid: str
    duration: float


MEASURED = "tests/functional/test_waits.py"
UNMEASURED = "tests/functional/test_quick.py"


def test_a_measured_modules_tests_share_its_seconds_and_the_others_are_estimated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    durations = tmp_path / "durations.json"
    durations.write_text(json.dumps({MEASURED: 20.0, "tests/functional/test_gone.py": 99.0}))
    monkeypatch.setattr(conftest, "DURATIONS", durations)
    items = [Item(f"{MEASURED}::test_{n}") for n in range(2)] + [Item(f"{UNMEASURED}::test_{n}") for n in range(10)]

    units = conftest._work_units(items)  # type: ignore[arg-type]

    assert units[f"{MEASURED}::test_0"] == (f"tests of {MEASURED}", 20.0)
    # a module's own unit starts nothing: its tests' estimates alone
    assert units[f"{UNMEASURED}::test_9"] == (
        f"tests of {UNMEASURED}",
        pytest.approx(10 * conftest.TIER_SECONDS["functional"]),
    )


def test_without_the_file_every_module_is_estimated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "DURATIONS", tmp_path / "missing.json")

    units = conftest._work_units([Item(f"{MEASURED}::test_{n}") for n in range(2)])  # type: ignore[arg-type]

    assert units[f"{MEASURED}::test_1"] == (
        f"tests of {MEASURED}",
        pytest.approx(2 * conftest.TIER_SECONDS["functional"]),
    )


def test_the_recorder_adds_up_each_modules_phases_over_the_files_other_modules(tmp_path: Path) -> None:
    path = tmp_path / "durations.json"
    path.write_text(json.dumps({"tests/unit/test_a.py": 9.0, "tests/unit/test_kept.py": 4.0}))
    recorder = conftest.DurationRecorder(path)
    for nodeid, duration in [("tests/unit/test_a.py::test_x", 0.25), ("tests/unit/test_a.py::test_y", 1.0)]:
        for phase in (0.5, duration, 0.25):  # setup, call, teardown
            recorder.pytest_runtest_logreport(Report(nodeid, phase))  # type: ignore[arg-type]
    recorder.pytest_runtest_logreport(Report("tests/e2e/test_b.py::test_z", 12.34))  # type: ignore[arg-type]

    recorder.pytest_sessionfinish(pytest.ExitCode.OK)

    assert json.loads(path.read_text()) == {
        "tests/e2e/test_b.py": 12.3,
        "tests/unit/test_a.py": 2.8,
        "tests/unit/test_kept.py": 4.0,
    }


@pytest.mark.parametrize("status", [pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.INTERRUPTED])
def test_a_run_that_did_not_pass_writes_nothing(tmp_path: Path, status: pytest.ExitCode) -> None:
    recorder = conftest.DurationRecorder(tmp_path / "durations.json")
    recorder.pytest_runtest_logreport(Report("tests/unit/test_a.py::test_x", 1.0))  # type: ignore[arg-type]

    recorder.pytest_sessionfinish(status)

    assert not (tmp_path / "durations.json").exists()
