"""Function logs: one file per function (the local log group), echoed to the console or not.

`make logs` following one is in tests/functional/test_local_logs.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from local.function_logs import FunctionLog

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_a_function_log_appends_to_its_file_and_prefixes_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = FunctionLog("AccessFunction", tmp_path)
    log.write("first line\n")
    log.write("second line")
    log.close()
    assert (tmp_path / "AccessFunction.log").read_text() == "first line\nsecond line\n"
    assert capsys.readouterr().out == "AccessFunction | first line\nAccessFunction | second line\n"


def test_a_quiet_function_log_writes_only_its_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = FunctionLog("AccessFunction", tmp_path, echo=False)
    log.write("only in the file")
    log.close()
    assert capsys.readouterr().out == ""
    assert (tmp_path / "AccessFunction.log").read_text() == "only in the file\n"
