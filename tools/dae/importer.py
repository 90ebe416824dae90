"""`make import-dae FILE=export.json`: the extension's stored configuration, moved here.

- `customData` becomes our custom data through the storage layer (`dahooks.storage`), so the write
  is the one every other writer makes: the 409,600-byte limit, a new version (conditional on the one
  read), and an audit record naming the import. The forwarding hooks' own key (`awsHooks`, the machine
  client's credentials) is left out: it belongs to the extension. Custom data that is already there
  and differs is replaced only with `--replace`; the same data again writes nothing.
- each configured script is written beside the Python port it needs, `functions/<hook>/original.js`,
  and the report lists what each one uses: the section of docs/porting.md for each construct the
  guide covers, and the constructs a person must port.

A document that cannot be imported whole (tools/dae/export.py), or custom data over the limit, is
refused before anything is written. The table is the running `make run` stack's, or the one named
with `--table` (with the AWS credentials and region of the environment): never a guess.

    python -m tools.dae.importer export.json [--table NAME] [--replace] [--functions DIR] [--report FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dahooks.exceptions import DahooksError
from dahooks.hook_types import HOOK_FILE, HOOK_TYPES
from dahooks.storage import Storage, codec
from local.invoke import running_stack
from local.paths import ROOT, STATE_DIR

from .constructs import GUIDE, Found, find_constructs
from .export import ExportError, ExtensionExport, parse_export
from .forwarding import CUSTOM_DATA_KEY

if TYPE_CHECKING:
    from collections.abc import Sequence

ORIGINAL_FILE = "original.js"
DEFAULT_REPORT = STATE_DIR / "dae-import-report.md"


class ImportRefusedError(Exception):
    """The import would overwrite data it was not told to replace; nothing was written."""


class ImportIncompleteError(Exception):
    """The custom data was written, a script file could not be; the message says which."""


@dataclass(frozen=True)
class HookImport:
    """One imported script: where it came from and went, and what it uses."""

    name: str
    script_key: str
    original: Path
    port: Path
    found: list[Found]


@dataclass
class ImportReport:
    """What an import did, and what a person still has to do."""

    source: str
    version: int | None = None  # the custom data's version after the import; None: no customData
    size: int = 0
    unchanged: bool = False
    left_out: list[str] = field(default_factory=list)
    ignored: tuple[str, ...] = ()
    hooks: list[HookImport] = field(default_factory=list)

    def markdown(self, root: Path = ROOT) -> str:
        lines = [f"# Import of {self.source}", ""]
        if self.version is None:
            lines.append("Custom data: the document has none; ours is untouched.")
        elif self.unchanged:
            lines.append(f"Custom data: already the same ({self.size} bytes, version {self.version}); nothing written.")
        else:
            lines.append(
                f"Custom data: written as version {self.version} ({self.size} bytes of compact JSON), audited."
            )
        lines.extend(
            f'Left out of the custom data: "{key}" (the forwarding hooks\' machine client).' for key in self.left_out
        )
        if self.ignored:
            lines.append(f"Ignored (not part of the import): {', '.join(self.ignored)}.")
        for hook in self.hooks:
            lines.extend(self._hook_section(hook, root))
        lines += [
            "",
            "The constructs above are the ones this report recognises. Read each original.js through, and",
            "run the hook's tests, before you delete it.",
            "",
        ]
        return "\n".join(lines)

    @staticmethod
    def _hook_section(hook: HookImport, root: Path) -> list[str]:
        def shown(path: Path) -> str:
            return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

        port = "exists: compare it with original.js" if hook.port.exists() else "missing: write it"
        lines = [
            "",
            f"## {hook.name} (scripts.{hook.script_key}) -> {shown(hook.original)}",
            "",
            f"Python port: {shown(hook.port)} ({port}).",
            "",
            "| line | construct | porting guide |",
            "|---|---|---|",
        ]
        for item in hook.found:
            where = f"{GUIDE}#{item.construct.section}" if item.construct.section else "**needs a person**"
            lines.append(f"| {item.line} | {item.construct.name.replace('|', '&#124;')} | {where} |")
        covered = sum(item.construct.covered for item in hook.found)
        lines += ["", f"Covered by the guide: {covered}; needing a person: {len(hook.found) - covered}."]
        return lines


def import_export(
    export: ExtensionExport, storage: Storage, functions: Path, *, source: str, replace: bool = False
) -> ImportReport:
    """Write `export`'s custom data to `storage` and its scripts under `functions`; the report of it."""
    report = ImportReport(source=source, ignored=export.ignored)
    if export.custom_data is not None:
        data = {key: value for key, value in export.custom_data.items() if key != CUSTOM_DATA_KEY}
        report.left_out = [CUSTOM_DATA_KEY] if CUSTOM_DATA_KEY in export.custom_data else []
        report.size = codec.encode(data).size  # the storage layer's limit, checked before anything is written
        current = storage.snapshot()
        if current.data == data:
            report.version, report.unchanged = current.version, True
        elif current.data and not replace:
            raise ImportRefusedError(
                f"our custom data (version {current.version}, {current.size} bytes) differs from the export's; "
                "import with --replace (REPLACE=1) to replace it"
            )
        else:
            actor = f"import-dae:{Path(source).name}"
            report.version = storage.write(data, expected_version=current.version, actor=actor)
    for name, hook in HOOK_TYPES.items():
        if name not in export.scripts:
            continue
        script = export.scripts[name]
        folder = functions / hook.folder
        folder.mkdir(parents=True, exist_ok=True)
        original = folder / ORIGINAL_FILE
        try:
            original.write_text(script if script.endswith("\n") else script + "\n", encoding="utf-8")
        except OSError as error:
            done = "untouched" if report.version is None else f"at version {report.version}"
            raise ImportIncompleteError(
                f"{original} could not be written ({error}); the custom data is {done}"
            ) from error
        report.hooks.append(
            HookImport(name, export.script_keys[name], original, folder / HOOK_FILE, find_constructs(script))
        )
    return report


def storage_for(table: str | None) -> Storage:
    """The named table (with the environment's AWS settings), else the running `make run` stack's."""
    if table:
        return Storage(table)
    stack = running_stack()
    if stack is None:
        raise ImportRefusedError(
            "no local stack is running: start `make run`, or name the table with --table (TABLE=...)"
        )
    os.environ.update(stack["aws_environment"])
    return Storage(str(stack["values"]["Table"]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="the extension's stored document (JSON)")
    parser.add_argument("--table", help="the deployed stack's table; default: the running local stack's")
    parser.add_argument("--replace", action="store_true", help="replace custom data that differs from the export's")
    parser.add_argument("--functions", type=Path, default=ROOT / "functions", help="where the function folders are")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="where to write the report (Markdown)")
    args = parser.parse_args(argv)
    try:
        export = parse_export(args.file.read_bytes())
        report = import_export(
            export, storage_for(args.table), args.functions, source=str(args.file), replace=args.replace
        )
    except ImportIncompleteError as error:
        print(f"import-dae: {error}", file=sys.stderr)
        return 1
    except (OSError, ExportError, ImportRefusedError, DahooksError) as error:
        # Each of these comes before the first write (the custom data's is one atomic transaction).
        print(f"import-dae: nothing written: {error}", file=sys.stderr)
        return 2
    text = report.markdown()
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text, encoding="utf-8")
    print(text)
    print(f"(this report is also in {args.report})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
