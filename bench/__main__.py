"""Run every `bench/bench_*.py` module, print one table, and write the figures to .local/bench.json.

Each module exposes `run() -> list[Figure]`. `python -m bench invoke storage` (`make bench
ONLY="invoke storage"`) runs only the modules whose names contain one of the words given.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from local.paths import ROOT, STATE_DIR

if TYPE_CHECKING:
    from .figures import Figure

OUTPUT = STATE_DIR / "bench.json"


def _modules(words: list[str]) -> list[str]:
    names = sorted(path.stem for path in Path(__file__).parent.glob("bench_*.py"))
    return [name for name in names if not words or any(word in name for word in words)]


def _print_table(figures: list[Figure]) -> None:
    headers = ("group", "figure", "value", "baseline (same run)", "target", "met")
    rows = [
        (f.group, f.name, f.value, f.baseline, f.target, "" if f.met is None else ("yes" if f.met else "NO"))
        for f in figures
    ]
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def main(words: list[str]) -> int:
    figures: list[Figure] = []
    for name in _modules(words):
        module = importlib.import_module(f"bench.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        figures.extend(module.run())
    _print_table(figures)
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(
        json.dumps(
            {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "figures": [f.as_dict() for f in figures]},
            indent=2,
        )
    )
    print(f"\nfigures written to {OUTPUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main([word for argument in sys.argv[1:] for word in argument.split()]))  # ONLY="invoke http": two words
