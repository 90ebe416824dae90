"""Small helpers the sample hooks share about dashboard users."""

from __future__ import annotations

from typing import Any


def department_of(user: dict[str, Any] | None) -> str | None:
    """The user's `app_metadata.department`, or None when it is missing or empty.

    The original samples tested `!department || !department.length`; a non-string value counts
    as no department here rather than crashing the hook.
    """
    metadata = (user or {}).get("app_metadata")
    department = metadata.get("department") if isinstance(metadata, dict) else None
    return department if isinstance(department, str) and department else None
