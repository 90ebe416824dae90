"""Hot reload's change detection, with inotify and with the polling fallback used where it is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from local.code_watch import CodeWatch

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(params=["inotify", "polling"])
def watch(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CodeWatch]:
    (tmp_path / "hook.py").write_text("ANSWER = 1\n")
    if request.param == "polling":

        def no_inotify(self: CodeWatch) -> None:
            raise OSError("inotify is not available here")

        monkeypatch.setattr(CodeWatch, "_start_inotify", no_inotify)
    code = CodeWatch([tmp_path])
    yield code
    code.close()


def test_nothing_changed_until_a_file_is_edited(watch: CodeWatch, tmp_path: Path) -> None:
    assert watch.changed() is False
    (tmp_path / "hook.py").write_text("ANSWER = 22\n")
    assert watch.changed() is True
    assert watch.changed() is False  # reported once


def test_python_caches_do_not_count_but_new_files_in_new_directories_do(watch: CodeWatch, tmp_path: Path) -> None:
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "hook.cpython-313.pyc").write_bytes(b"\0")
    assert watch.changed() is False
    (tmp_path / "helpers").mkdir()
    watch.changed()
    (tmp_path / "helpers" / "util.py").write_text("X = 1\n")
    assert watch.changed() is True
    (tmp_path / "helpers" / "util.py").write_text("X = 22\n")
    assert watch.changed() is True
