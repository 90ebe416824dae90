"""`make import-dae`'s pure parts: reading the extension's stored document, and finding in a hook's
JavaScript the constructs docs/porting.md covers (the import itself, against DynamoDB Local, is in
tests/functional/test_dae_import.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from local.paths import ROOT
from tools.dae.constructs import CONSTRUCTS, GUIDE, find_constructs
from tools.dae.export import MAX_EXPORT_BYTES, ExportError, parse_export

EXPORT = Path(__file__).parent.parent / "dae_fixtures" / "extension-export.json"
DOCUMENT = json.loads(EXPORT.read_text())
SAMPLE_SCRIPTS = DOCUMENT["scripts"]


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def guide_anchors() -> set[str]:
    text = (ROOT / GUIDE).read_text()
    return {github_anchor(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def names(source: str) -> list[str]:
    return [found.construct.name for found in find_constructs(source)]


def test_every_construct_the_guide_covers_has_its_section_in_the_guide():
    sections = {construct.section for construct in CONSTRUCTS if construct.section}

    assert sections - guide_anchors() == set()


def test_the_sample_export_parses_into_each_hook_type_and_its_custom_data():
    export = parse_export(EXPORT.read_bytes())

    assert export.script_keys == {
        "filter": "filter",
        "access": "access",
        "write": "create",
        "memberships": "memberships",
        "settings": "settings",
        "custom-domain": "customDomain",
    }
    assert export.custom_data == DOCUMENT["customData"]
    assert export.ignored == ()


def test_an_unconfigured_script_is_left_out_and_other_top_level_keys_are_ignored():
    raw = json.dumps({"scripts": {"filter": "", "access": None, "settings": "function (ctx, cb) { cb(); }"}, "v": 3})

    export = parse_export(raw.encode())

    assert set(export.scripts) == {"settings"}
    assert export.custom_data is None
    assert export.ignored == ("v",)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe", "UTF-8"),
        (b"[]", "JSON object"),
        (b"{}", "nothing to import"),
        (b'{"scripts": {"login": "x"}}', "'login'"),
        (b'{"scripts": {"create": "a", "write": "b"}}', "twice"),
        (b'{"scripts": {"filter": ["x"]}}', "scripts.filter"),
        (b'{"customData": 1}', "customData"),
        (b'{"customData": {"n": 1e400}}', "too large"),
        (b'{"customData": {"n": Infinity}}', "Infinity"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_a_document_that_cannot_be_placed_whole_is_refused_saying_why(raw, message):
    with pytest.raises(ExportError, match=re.escape(message)):
        parse_export(raw)


def test_a_file_too_large_to_be_an_export_is_refused_unread():
    with pytest.raises(ExportError, match="at most"):
        parse_export(b" " * (MAX_EXPORT_BYTES + 1))


@pytest.mark.parametrize("key", ["filter", "access", "create", "memberships", "settings"])
def test_every_construct_of_the_documented_samples_is_covered_by_the_guide(key):
    found = find_constructs(SAMPLE_SCRIPTS[key])

    assert found
    assert [item.construct.name for item in found if not item.construct.covered] == []


def test_the_samples_constructs_are_found_where_they_are():
    found = {item.construct.name: item.line for item in find_constructs(SAMPLE_SCRIPTS["create"])}

    assert found["function (ctx, callback) { ... }"] == 1
    assert found["{ ...object } (object spread)"] == 9
    assert found["callback(new Error('...')) refuses"] == 14
    assert found["Object.keys(o).forEach(...) / delete o[key]"] == 31
    assert found["ctx.request.originalUser"] == 32


def test_a_module_other_than_request_needs_a_person():
    assert "require() of another module" in names(SAMPLE_SCRIPTS["customDomain"])
    assert "require() of another module" not in names("function (ctx, cb) { var r = require('request'); cb(); }")


@pytest.mark.parametrize(
    ("source", "construct"),
    [
        ("function (ctx, cb) { cb(null, process.env.SECRET); }", "process.env"),
        ("function (ctx, cb) { setTimeout(cb, 10); }", "setTimeout / setInterval"),
        ("function (ctx, cb) { (async function () { await x(); })(); }", "async / await"),
        (
            "function (ctx, cb) { cb(null, ctx.webtask.secrets.KEY); }",
            "ctx.webtask (not in the extension's documented ctx)",
        ),
        ("function (ctx, cb) { eval('cb()'); }", "eval / new Function"),
    ],
)
def test_what_the_guide_cannot_port_is_named(source, construct):
    found = {item.construct.name: item.construct.covered for item in find_constructs(source)}

    assert found[construct] is False


def test_comments_and_strings_are_no_code():
    source = """function (ctx, cb) {
      // ctx.write(data) would be wrong here; so would process.env
      var text = 'ctx.read() and setTimeout(';
      /* require('lodash') */
      cb(null, text);
    }"""

    found = names(source)

    assert "ctx.write(data)" not in found
    assert "ctx.read()" not in found
    assert "process.env" not in found
    assert "setTimeout / setInterval" not in found
    assert "require() of another module" not in found
