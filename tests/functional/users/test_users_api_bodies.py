"""The users API parses its bodies with the runtime's one strict parser: valid JSON that is not valid
data (a number a float cannot hold, NaN, a lone surrogate, nesting past the limit) is a 400 naming
the field, before any hook or directory call."""

from __future__ import annotations

from typing import Any

import pytest

from dahooks.json_input import MAX_DEPTH


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PATCH", "/api/users/finance-01", {"user_metadata": {"score": float("nan")}}, "user_metadata.score"),
        ("PATCH", "/api/users/finance-01", {"user_metadata": {"score": float("inf")}}, "user_metadata.score"),
        ("POST", "/api/users", {"email": "a@example.com", "name": "\ud800"}, "name"),
        ("PUT", "/api/users/finance-01/change-email", {"email": "a@example.com", "\udfff": 1}, "\\udfff"),
        ("PATCH", "/api/users/finance-01", {"user_metadata": nested(MAX_DEPTH)}, None),
    ],
    ids=["nan", "infinity", "surrogate", "surrogate-key", "too-deep"],
)
def test_a_body_that_is_not_valid_data_is_400_naming_the_field(dashboard, method, path, body, field):
    answer = dashboard.call(method, path, "kelly", body)

    assert answer.status == 400
    assert answer.body["error"] == "InvalidRequest"
    if field is None:
        assert f"{MAX_DEPTH} levels" in answer.body["message"]
    else:
        assert answer.body["field"] == field
