"""Has any file of a function's code changed since we last asked? (hot reload)

On Linux the answer comes from inotify (through libc, no dependency): the kernel queues an event
during the very write that edits a file, so an edit saved before a request is sent is always seen
by that request, and asking costs one non-blocking read. Elsewhere, or when inotify is not
available, every call compares the (path, mtime, size) of every file: same answer, more syscalls.
Python's own caches (`__pycache__`, `*.pyc`) and hidden files (editor swap files) do not count.
"""

from __future__ import annotations

import ctypes
import os
import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_IN_MODIFY = 0x002
_IN_ATTRIB = 0x004
_IN_CLOSE_WRITE = 0x008
_IN_MOVED_FROM = 0x040
_IN_MOVED_TO = 0x080
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_ISDIR = 0x40000000
_IN_NONBLOCK = os.O_NONBLOCK
_IN_CLOEXEC = os.O_CLOEXEC
_MASK = _IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE
_MASK |= _IN_DELETE_SELF
_EVENT = struct.Struct("iIII")


def _ignored(name: str) -> bool:
    return name == "__pycache__" or name.startswith(".") or name.endswith((".pyc", "~"))


def fingerprint(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every file under `paths` that counts."""
    found: list[tuple[str, int, int]] = []
    for root in paths:
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = [name for name in subdirs if not _ignored(name)]
            for name in files:
                if _ignored(name):
                    continue
                path = os.path.join(directory, name)
                try:
                    stat = os.stat(path)
                except FileNotFoundError:
                    continue
                found.append((path, stat.st_mtime_ns, stat.st_size))
    found.sort()
    return tuple(found)


class CodeWatch:
    """Watches the files under `paths`; `changed()` says whether any changed since the last call."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self._fd = -1
        self._libc: ctypes.CDLL | None = None
        self._fingerprint: tuple[tuple[str, int, int], ...] = ()
        try:
            self._start_inotify()
        except (OSError, AttributeError):
            self.close()
            self._fingerprint = fingerprint(paths)

    def _start_inotify(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self._libc, self._fd = libc, fd
        for root in self.paths:
            self._watch_tree(root)

    def _watch_tree(self, root: Path) -> None:
        assert self._libc is not None
        for directory, subdirs, _ in os.walk(root):
            subdirs[:] = [name for name in subdirs if not _ignored(name)]
            if self._libc.inotify_add_watch(self._fd, os.fsencode(directory), _MASK) < 0:
                raise OSError(ctypes.get_errno(), f"inotify_add_watch {directory} failed")

    def changed(self) -> bool:
        if self._fd < 0:
            current = fingerprint(self.paths)
            changed, self._fingerprint = current != self._fingerprint, current
            return changed
        changed = False
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return changed
            changed = self._relevant(data) or changed

    def _relevant(self, data: bytes) -> bool:
        """True when `data` (inotify events) names a file that counts; new directories get watched."""
        relevant = False
        offset = 0
        while offset < len(data):
            _, mask, _, length = _EVENT.unpack_from(data, offset)
            raw = data[offset + _EVENT.size : offset + _EVENT.size + length]
            offset += _EVENT.size + length
            name = raw.rstrip(b"\0").decode(errors="replace")
            if name and _ignored(name):
                continue
            relevant = True
            if mask & _IN_ISDIR and mask & (_IN_CREATE | _IN_MOVED_TO):
                for root in self.paths:  # the new directory is somewhere under one of the roots
                    self._watch_new_directories(root)
        return relevant

    def _watch_new_directories(self, root: Path) -> None:
        try:
            self._watch_tree(root)  # inotify_add_watch on a watched directory is a no-op
        except OSError:
            return

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = -1
