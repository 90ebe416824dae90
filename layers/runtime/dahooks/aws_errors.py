"""Reading an AWS service's answer out of a botocore ClientError, for every client of the layer."""

from __future__ import annotations


def error_code(exc: BaseException) -> str:
    """The service's error code of a botocore ClientError ("" for anything else)."""
    return _error_field(exc, "Code")


def error_message(exc: BaseException) -> str:
    """The service's error message of a botocore ClientError ("" for anything else)."""
    return _error_field(exc, "Message")


def _error_field(exc: BaseException, name: str) -> str:
    response = getattr(exc, "response", None) or {}
    return str((response.get("Error") or {}).get(name) or "")
