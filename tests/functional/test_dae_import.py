"""`make import-dae FILE=export.json` against DynamoDB Local: the extension's stored document becomes our
custom data (through the storage layer: limited, versioned, audited) and one original.js per hook.

The export is tests/dae_fixtures/extension-export.json, written to look like the extension's stored
document. Each refusal is checked for what matters: nothing written, neither custom data nor files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dahooks.exceptions import CustomDataTooLargeError
from dahooks.hook_types import HOOK_TYPES
from dahooks.storage import MAX_DATA_BYTES, Storage
from local.testing import random_text_document
from tools.dae.export import parse_export
from tools.dae.forwarding import CUSTOM_DATA_KEY
from tools.dae.importer import ImportRefusedError, import_export, main

EXPORT = Path(__file__).parent.parent / "dae_fixtures" / "extension-export.json"
DOCUMENT = json.loads(EXPORT.read_text())
WITHOUT_CLIENT = {key: value for key, value in DOCUMENT["customData"].items() if key != CUSTOM_DATA_KEY}


def originals(functions: Path) -> list[Path]:
    return sorted(functions.glob("*/original.js"))


def run_import(table: str, functions: Path, document: object, tmp_path: Path, *extra: str) -> int:
    export = tmp_path / "export.json"
    export.write_text(document if isinstance(document, str) else json.dumps(document))
    report = tmp_path / "report.md"
    return main([str(export), "--table", table, "--functions", str(functions), "--report", str(report), *extra])


def test_the_sample_export_reads_back_as_the_same_custom_data_and_scripts(table, tmp_path):
    functions = tmp_path / "functions"

    assert run_import(table, functions, DOCUMENT, tmp_path) == 0

    current = Storage(table).snapshot()  # a fresh container: everything from DynamoDB
    assert current.data == WITHOUT_CLIENT
    assert current.version == 1
    assert [(entry["version"], entry["who"]) for entry in Storage(table).history()] == [(1, "import-dae:export.json")]
    scripts = {HOOK_TYPES[name].folder: key for name, key in parse_export(EXPORT.read_bytes()).script_keys.items()}
    for folder, key in scripts.items():
        assert (functions / folder / "original.js").read_text() == DOCUMENT["scripts"][key] + "\n"
    assert len(originals(functions)) == len(HOOK_TYPES)


def test_the_machine_clients_secret_is_neither_imported_nor_reported(table, tmp_path):
    assert run_import(table, tmp_path / "functions", DOCUMENT, tmp_path) == 0

    secret = DOCUMENT["customData"][CUSTOM_DATA_KEY]["clientSecret"]
    assert CUSTOM_DATA_KEY not in Storage(table).read()
    report = (tmp_path / "report.md").read_text()
    assert secret not in report
    assert f'Left out of the custom data: "{CUSTOM_DATA_KEY}"' in report


def test_the_report_names_the_guide_section_of_each_construct_and_what_needs_a_person(table, tmp_path):
    report = import_export(parse_export(EXPORT.read_bytes()), Storage(table), tmp_path, source=str(EXPORT))

    by_hook = {hook.name: hook.found for hook in report.hooks}
    needs_person = {
        name: [item.construct.name for item in found if not item.construct.covered] for name, found in by_hook.items()
    }
    assert needs_person == {name: [] for name in by_hook} | {"custom-domain": ["require() of another module"]}
    text = report.markdown()
    assert "docs/porting.md#refusing" in text
    assert "| 2 | require() of another module | **needs a person** |" in text


def test_importing_the_same_export_again_writes_nothing(table, tmp_path):
    assert run_import(table, tmp_path / "functions", DOCUMENT, tmp_path) == 0
    assert run_import(table, tmp_path / "functions", DOCUMENT, tmp_path) == 0

    assert Storage(table).snapshot().version == 1
    assert "already the same" in (tmp_path / "report.md").read_text()


def test_different_custom_data_is_replaced_only_when_asked(table, tmp_path):
    Storage(table).write({"departments": ["Sales"]}, actor="someone")
    functions = tmp_path / "functions"

    with pytest.raises(ImportRefusedError, match="--replace"):
        import_export(parse_export(EXPORT.read_bytes()), Storage(table), functions, source="export.json")
    assert Storage(table).read() == {"departments": ["Sales"]}
    assert originals(functions) == []

    assert run_import(table, functions, DOCUMENT, tmp_path, "--replace") == 0
    assert Storage(table).snapshot().data == WITHOUT_CLIENT
    assert Storage(table).snapshot().version == 2


def test_an_export_whose_custom_data_is_over_the_limit_is_refused_with_nothing_written(table, tmp_path):
    Storage(table).write({"departments": ["IT"]}, actor="someone")
    oversize = {**DOCUMENT, "customData": random_text_document(MAX_DATA_BYTES + 1, seed=13)}
    functions = tmp_path / "functions"

    with pytest.raises(CustomDataTooLargeError, match="409600"):
        import_export(parse_export(json.dumps(oversize).encode()), Storage(table), functions, source="x", replace=True)
    assert run_import(table, functions, oversize, tmp_path, "--replace") == 2

    assert Storage(table).snapshot().data == {"departments": ["IT"]}
    assert Storage(table).snapshot().version == 1
    assert originals(functions) == []


def test_custom_data_of_exactly_the_limit_is_imported(table, tmp_path):
    exact = {"customData": random_text_document(MAX_DATA_BYTES, seed=14)}

    assert run_import(table, tmp_path / "functions", exact, tmp_path) == 0

    assert Storage(table).snapshot().size == MAX_DATA_BYTES


@pytest.mark.parametrize(
    "document",
    [
        "{not json",
        '"scripts"',
        [DOCUMENT],
        {"rules": {}},
        {"scripts": {"login": "function (user, context, callback) {}"}, "customData": {}},
        {"scripts": {"create": "function (ctx, cb) {}", "write": "function (ctx, cb) {}"}},
        {"scripts": {"filter": 42}, "customData": {"departments": ["IT"]}},
        {"scripts": [], "customData": {}},
        {"scripts": {}, "customData": ["IT", "HR"]},
        {"scripts": {}, "customData": {"bad": float("nan")}},
    ],
    ids=[
        "not-json",
        "a-string",
        "an-array",
        "neither-key",
        "unknown-script",
        "write-twice",
        "script-not-text",
        "scripts-not-object",
        "custom-data-not-object",
        "nan",
    ],
)
def test_a_malformed_export_is_refused_with_nothing_written(table, tmp_path, document):
    Storage(table).write({"departments": ["IT"]}, actor="someone")
    functions = tmp_path / "functions"

    assert run_import(table, functions, document, tmp_path) == 2

    assert Storage(table).snapshot().data == {"departments": ["IT"]}
    assert Storage(table).snapshot().version == 1
    assert originals(functions) == []
