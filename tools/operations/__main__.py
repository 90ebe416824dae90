"""Rewrite (or, with --check, verify) template.yaml's generated operations section."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from local.paths import TEMPLATE
from local.template import Template

from .alarms import Alarms
from .cfn import dump
from .console_events import ConsoleEvents

if TYPE_CHECKING:
    from pathlib import Path
from .dashboard import Dashboard
from .inventory import Inventory
from .queries import Queries

BEGIN = "  # BEGIN GENERATED OPERATIONS"
END = "  # END GENERATED OPERATIONS"
NOTE = (
    "  # Written by `make generate` (tools/operations) from the resources above, the hook-type registry\n"
    "  # and events/: change those, not these lines. A unit test fails when they are out of date.\n"
)


def generated_resources(template: Template) -> dict[str, Any]:
    inventory = Inventory(template)
    return {
        **Dashboard(inventory).resources(),
        **Alarms(inventory).resources(),
        **Queries(inventory).resources(),
        **ConsoleEvents(inventory).resources(),
    }


def with_section(text: str, section: str) -> str:
    """`text` (template.yaml) with what lies between its marker lines replaced by `section`."""
    head, found, rest = text.partition(BEGIN + "\n")
    _, found_end, tail = rest.partition(END + "\n")
    if not found or not found_end:
        raise ValueError(f"template.yaml needs the lines {BEGIN.strip()!r} and {END.strip()!r} under Resources")
    return head + BEGIN + "\n" + NOTE + section + END + "\n" + tail


def generate(path: Path = TEMPLATE) -> str:
    """The template's text with its generated section as the generator writes it now."""
    return with_section(path.read_text(encoding="utf-8"), dump(generated_resources(Template(path))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when template.yaml is out of date")
    args = parser.parse_args(argv)
    current, wanted = TEMPLATE.read_text(encoding="utf-8"), generate()
    if args.check:
        if current != wanted:
            print("template.yaml's operations section is out of date: run `make generate`", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        TEMPLATE.write_text(wanted, encoding="utf-8")
        print("template.yaml: operations section rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
