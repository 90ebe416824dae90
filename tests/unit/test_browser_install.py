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


def test_the_rule_installs_debians_headless_shell() -> None:
    # The headless shell, not the desktop browser in headless mode: the same tests cost the latter
    # two and a half times the CPU, and `make test` runs them beside every other tier.
    rule = re.search(r"^\$\(CHROMIUM\):\n((?:\t.*\n)+)", _makefile(), re.MULTILINE)
    assert rule is not None, "the Makefile has no rule for $(CHROMIUM)"
    assert re.findall(r"apt-get install -y -qq --no-install-recommends (\S+)$", rule.group(1), re.MULTILINE) == [
        CHROMIUM.name
    ]
    assert CHROMIUM.name == "chromium-headless-shell"
