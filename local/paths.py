"""Where things are: the repository, its template, events/, the dashboard's pages, and the local state (`.local/`)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
EVENTS = ROOT / "events"
DASHBOARD = ROOT / "dashboard"  # the web pages: plain HTML, CSS and JavaScript modules
# Keys, tokens, logs, DynamoDB data, the running stack's endpoints: everything `make run` keeps.
STATE_DIR = ROOT / ".local"
