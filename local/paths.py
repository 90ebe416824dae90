"""Where things are: the repository, its template and events/, and the local state (`.local/`, not in git)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
EVENTS = ROOT / "events"
# Keys, tokens, logs, DynamoDB data, the running stack's endpoints: everything `make run` keeps.
STATE_DIR = ROOT / ".local"
