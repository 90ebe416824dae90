"""The hashed locks agree with the requirements a person edits and with each other (`make lock` writes them).

The layer's lock is what `sam build` installs and the dev lock what the tests run on: the dev lock
must hold the layer's exact versions, or the tests would pass on code that is not what is deployed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
LAYER_LOCK = REPOSITORY / "layers" / "runtime" / "requirements.txt"
DEV_LOCK = REPOSITORY / "requirements" / "dev.txt"
SAM_LOCK = REPOSITORY / "requirements" / "sam.txt"
INPUTS = {"layer.in": LAYER_LOCK, "dev.in": DEV_LOCK, "sam.in": SAM_LOCK}
# `name==version` (or `name[extra]==version`) at the start of a line, as both file kinds write them.
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, set[str]]:
    """Each requirement of `path` with its versions (a universal lock may hold two, for two Pythons)."""
    found: dict[str, set[str]] = {}
    for name, version in PIN.findall(path.read_text(encoding="utf-8")):
        found.setdefault(normalised(name), set()).add(version)
    return found


def test_the_dev_lock_holds_the_layer_lock_versions():
    dev = pins(DEV_LOCK)

    for name, versions in pins(LAYER_LOCK).items():
        assert dev.get(name) == versions, f"{name}: layer {versions}, dev {dev.get(name)}; run make lock"


@pytest.mark.parametrize("source", sorted(INPUTS))
def test_every_pin_of_an_input_is_in_its_lock(source):
    lock = pins(INPUTS[source])

    for name, versions in pins(REPOSITORY / "requirements" / source).items():
        assert versions <= lock.get(name, set()), f"{source} pins {name} {versions}; run make lock"


@pytest.mark.parametrize("lock", [LAYER_LOCK, DEV_LOCK, SAM_LOCK], ids=lambda path: path.name)
def test_every_locked_requirement_carries_its_hashes(lock):
    # One entry per requirement: its pin line, then its `--hash` lines, then `# via` comments.
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
    requirements = [entry for entry in entries if PIN.match(entry)]

    assert requirements
    assert [entry.split()[0] for entry in requirements if "--hash=sha256:" not in entry] == []


@pytest.mark.parametrize("name", ["cfn-lint", "aws-sam-translator"])
def test_the_sam_cli_lints_with_the_versions_make_lint_runs(name):
    # `sam validate --lint` is cfn-lint's check of the template: with the same cfn-lint and SAM
    # translator as the dev lock's, `make lint`'s cfn-lint gives its verdict, and `make test` runs that.
    sam, dev = pins(SAM_LOCK).get(name), pins(DEV_LOCK).get(name)
    assert sam is not None, f"{name} is not in {SAM_LOCK.name}"
    assert sam == dev, f"{name}: the SAM CLI's {sam}, make lint's {dev}; pin them alike and run make lock"
