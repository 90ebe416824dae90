"""The encoder built once writes what `json.dumps` writes, character for character."""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dahooks.json_output import Compact, compact, compact_finite

KEYS = st.one_of(st.text(max_size=8), st.integers(-5, 5), st.booleans(), st.none(), st.floats(allow_nan=False))
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(),  # NaN and the infinities included
    st.text(max_size=20),  # control characters, quotes, backslashes, lone surrogates
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


def standard(value: Any, **options: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, **options)


@given(VALUES)
def test_compact_text_is_json_dumps_text(value: Any) -> None:
    assert compact.dumps(value) == standard(value)


@given(VALUES)
def test_finite_text_is_json_dumps_text_or_the_same_refusal(value: Any) -> None:
    try:
        expected = standard(value, allow_nan=False)
    except ValueError:
        with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
            compact_finite.dumps(value)
    else:
        assert compact_finite.dumps(value) == expected


def test_what_json_cannot_hold_goes_to_default() -> None:
    when = datetime.datetime(2026, 12, 1, 13, 0, tzinfo=datetime.UTC)
    value = {"when": when, "set": {1}, "nested": [when]}

    assert Compact(default=str).dumps(value) == standard(value, default=str)
    with pytest.raises(TypeError, match="not JSON serializable"):
        compact.dumps(value)


def test_nan_is_written_as_the_standard_encoder_writes_it() -> None:
    assert compact.dumps([math.nan, math.inf, -math.inf]) == "[NaN,Infinity,-Infinity]"
