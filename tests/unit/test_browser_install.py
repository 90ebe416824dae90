"""The browser `make test` installs is the one the browser tests launch."""

from __future__ import annotations

import re

from local.paths import ROOT
from local.testing import CHROMIUM


def _makefile() -> str:
    return (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_makefile_installs_the_binary_launch_chromium_runs() -> None:
    installed = re.search(r"^CHROMIUM := (\S+)$", _makefile(), re.MULTILINE)
    assert installed is not None, "the Makefile names no CHROMIUM"
    assert installed.group(1) == str(CHROMIUM)


def test_the_package_installed_is_debians_headless_shell() -> None:
    # The headless shell, not the desktop browser in headless mode: the same tests cost the latter
    # three times the CPU, and `make test` runs them beside every other tier.
    packages = re.findall(r"apt-get install -y -qq --no-install-recommends (\S+)", _makefile())
    assert packages == ["chromium-headless-shell"]
    assert CHROMIUM.name == "chromium-headless-shell"
