"""The extension's stored configuration document, `{"scripts": {...}, "customData": {...}}`, read and checked.

`scripts` maps the extension's script keys (tools/dae/extension.py) to each hook's JavaScript (an
empty string or null: not configured); `customData` is what its hooks read with `ctx.read()`.
Anything else at the top level is ignored and reported. A document we cannot place whole is refused
with `ExportError` before anything is written: not JSON, not an object, a script key we do not know,
two keys for one hook, a script that is not text, custom data that is not an object.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from .extension import hook_for_script_key

# Far above any real document (custom data is limited to 400 KiB, six hooks are small): a file this
# large is not an export, and is refused before it is parsed.
MAX_EXPORT_BYTES = 8 * 1024 * 1024


class ExportError(ValueError):
    """The document is not one this importer can place whole; the message says what is wrong."""


@dataclass(frozen=True)
class ExtensionExport:
    """The parts of the document we import."""

    scripts: dict[str, str]  # hook type name -> its JavaScript, configured hooks only
    custom_data: dict[str, Any] | None  # None: the document has no customData
    script_keys: dict[str, str] = field(default_factory=dict)  # hook type name -> the key it came under
    ignored: tuple[str, ...] = ()  # top-level keys not imported


def parse_export(raw: bytes) -> ExtensionExport:
    """The document in `raw`, or `ExportError` saying why it cannot be imported."""
    if len(raw) > MAX_EXPORT_BYTES:
        raise ExportError(f"the file is {len(raw)} bytes; an export is at most {MAX_EXPORT_BYTES}")
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_not_json, parse_float=_finite)
    except UnicodeDecodeError as error:
        raise ExportError("the file is not UTF-8 text") from error
    except RecursionError as error:
        raise ExportError("the file is nested too deeply") from error
    except ValueError as error:
        raise ExportError(f"the file is not JSON ({error})") from error
    if not isinstance(document, dict):
        raise ExportError('the document must be a JSON object: {"scripts": {...}, "customData": {...}}')
    if "scripts" not in document and "customData" not in document:
        raise ExportError('the document has neither "scripts" nor "customData": nothing to import')
    scripts, keys = _scripts(document.get("scripts"))
    custom_data = document.get("customData")
    if custom_data is not None and not isinstance(custom_data, dict):
        raise ExportError('"customData" must be an object')
    ignored = tuple(sorted(set(document) - {"scripts", "customData"}))
    return ExtensionExport(scripts=scripts, custom_data=custom_data, script_keys=keys, ignored=ignored)


def _not_json(name: str) -> Any:
    raise ExportError(f"the file holds {name}, which is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ExportError(f"the file holds the number {text[:40]}, too large for JSON's doubles")
    return value


def _scripts(value: Any) -> tuple[dict[str, str], dict[str, str]]:
    if value is None:
        return {}, {}
    if not isinstance(value, dict):
        raise ExportError('"scripts" must be an object of script names and their JavaScript')
    scripts: dict[str, str] = {}
    keys: dict[str, str] = {}
    for key, source in value.items():
        entry = hook_for_script_key(key)
        if entry is None:
            raise ExportError(f'"scripts" has a key no hook type has: {key!r}')
        if source is None or (isinstance(source, str) and not source.strip()):
            continue  # not configured: the hook type's default answers
        if not isinstance(source, str):
            raise ExportError(f'"scripts.{key}" must be the hook\'s JavaScript as text')
        name = entry.hook.name
        if name in scripts:
            raise ExportError(f'"scripts" holds the {name} hook twice: under {keys[name]!r} and {key!r}')
        scripts[name] = source
        keys[name] = key
    return scripts, keys
