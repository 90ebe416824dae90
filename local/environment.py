"""Changing `os.environ` for a while and putting it back: the functions read their variables as Lambda sets them."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


class Environment:
    """os.environ changes, undone by `restore` (the first value each name had is what comes back)."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def set(self, variables: dict[str, str]) -> None:
        for name, value in variables.items():
            self._saved.setdefault(name, os.environ.get(name))
            os.environ[name] = value

    def restore(self) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved.clear()


@contextmanager
def temporary_environment(variables: dict[str, str]) -> Iterator[None]:
    """`variables` set in os.environ inside the block, the previous values restored after it."""
    environment = Environment()
    environment.set(variables)
    try:
        yield
    finally:
        environment.restore()
