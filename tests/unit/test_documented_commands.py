"""The commands README.md, docs/ and the Makefile's usage lines print name things that exist: a `make`
target, a function of template.yaml, an events/ fixture routed to that function, a benchmark module.

A command is read wherever it is written, across a line break too (prose wraps), so a renamed
fixture or function fails here rather than in the hands of the next person who copies the line.
"""

from __future__ import annotations

import json
import re

import pytest

from local.paths import EVENTS, ROOT
from local.template import Template

DOCUMENTS = sorted([ROOT / "README.md", ROOT / "Makefile", *(ROOT / "docs").glob("*.md")])
TEMPLATE = Template()
FUNCTIONS = TEMPLATE.functions()
ROUTED_TO = {route.route_key: route.function for route in TEMPLATE.routes()}
TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.MULTILINE))
BENCH_MODULES = sorted(path.stem for path in (ROOT / "bench").glob("bench_*.py"))

# `make` then its target, and the variables that follow it on the command (a line break in prose
# included, but no sentence punctuation, quote or backtick in between).
VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s`'"()\[\],;<>]+)"""  # quoted, or up to what ends a command in prose
MAKE = re.compile(rf"\bmake (?:-s )?([a-z][a-z-]*)((?:\s+[A-Z_]+={VALUE})*)")
VARIABLE = re.compile(rf"([A-Z_]+)=({VALUE})")


def commands() -> list[tuple[str, str, dict[str, str]]]:
    """(document, target, variables) for every `make` command the documents show."""
    found = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        if document.name == "Makefile":  # what it prints (usage lines, `make help`), not its comments
            text = "\n".join(line for line in text.splitlines() if "usage:" in line or "## " in line)
        for match in MAKE.finditer(text):
            variables = {name: value.strip("\"'") for name, value in VARIABLE.findall(match.group(2))}
            found.append((document.name, match.group(1), variables))
    return found


COMMANDS = commands()
INVOCATIONS = [(name, variables) for name, target, variables in COMMANDS if target == "invoke" and variables]


def test_the_documents_show_make_invoke_with_a_function_and_an_event():
    # A regular expression that stopped matching would make the tests below pass on nothing.
    assert len(INVOCATIONS) >= 4
    assert {name for name, _ in INVOCATIONS} >= {"README.md", "Makefile", "local-stack.md"}


def test_every_make_command_names_a_target_of_the_makefile():
    assert not [f"{document}: make {target}" for document, target, _ in COMMANDS if target not in TARGETS]


def test_every_function_a_make_command_names_is_one_of_the_template():
    named = [(document, variables["FUNCTION"]) for document, _, variables in COMMANDS if "FUNCTION" in variables]
    assert named
    assert not [(document, name) for document, name in named if name not in FUNCTIONS]


@pytest.mark.parametrize(
    ("document", "variables"),
    [pytest.param(doc, variables, id=f"{doc}:{variables.get('EVENT')}") for doc, variables in INVOCATIONS],
)
def test_every_make_invoke_names_an_event_its_function_takes(document, variables):
    function, event = variables["FUNCTION"], variables.get("EVENT")
    assert event is not None, f"{document}: make invoke without EVENT"
    assert event.startswith("events/"), f"{document}: EVENT={event}"
    path = ROOT / event
    assert path.is_file(), f"{document}: {event} does not exist"
    route_key = json.loads(path.read_text(encoding="utf-8")).get("routeKey")
    if route_key is not None:  # an HTTP event: the function must serve its route
        assert ROUTED_TO.get(route_key) == function, f"{document}: {event} is {route_key}, not {function}'s"


def test_every_make_bench_only_names_a_benchmark_module():
    words = [
        word
        for _, target, variables in COMMANDS
        if target == "bench" and "ONLY" in variables
        for word in variables["ONLY"].split()
    ]
    assert words
    for word in words:
        assert any(word in module for module in BENCH_MODULES), f"make bench ONLY={word}: no bench module"


def test_every_fixture_the_documents_name_exists():
    named = {
        name for document in DOCUMENTS for name in re.findall(r"events/([\w.-]+\.json)", document.read_text("utf-8"))
    }
    assert named
    assert not {name for name in named if not (EVENTS / name).is_file()}
