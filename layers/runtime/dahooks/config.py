"""The environment variables the runtime reads, named once (set by template.yaml)."""

from __future__ import annotations

import os

SERVICE_NAME = "POWERTOOLS_SERVICE_NAME"
TABLE_NAME = "TABLE_NAME"
DEADLINE_MARGIN_MS = "HOOK_DEADLINE_MARGIN_MS"
HTTP_CONNECT_TIMEOUT = "HOOK_HTTP_CONNECT_TIMEOUT"
HTTP_READ_TIMEOUT = "HOOK_HTTP_READ_TIMEOUT"


def env_str(name: str, default: str = "") -> str:
    """The variable's value, or `default` when it is unset or empty."""
    return os.environ.get(name) or default


def env_float(name: str, default: float) -> float:
    """The variable as a number; a value that is not one is a deployment mistake worth failing on."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"environment variable {name} must be a number, not {raw!r}") from exc


def env_list(name: str) -> list[str]:
    """A comma-separated variable as a list of trimmed, non-empty items."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_required(name: str) -> str:
    """The variable's value; a missing one is a deployment mistake, named in the error."""
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"environment variable {name} is not set")
    return value
