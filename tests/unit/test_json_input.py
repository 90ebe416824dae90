"""The body parser reads every text as the standard parser does, though orjson reads most of them.

`json_input.loads` hands a text to orjson first and to the standard parser (with its checks) when
orjson refuses it or could read it differently; what a caller gets must not depend on which one
read it: the same value (same types, same key order) or the same 400 naming the same field.
"""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dahooks import json_input
from dahooks.exceptions import InvalidRequestError

# Text with lone surrogates (which the default alphabet leaves out), escapes and non-ASCII letters.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too, where orjson would read a float
    | st.integers(-(2**64), 2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ANY_TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)
# Numbers as they may be written, finite or not (1e400), with long runs of digits or none.
NUMBER_TEXTS = st.from_regex(r"-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?", fullmatch=True)
# Text built of JSON's own characters, most of it not JSON: both parsers must refuse it alike.
JSONISH_TEXTS = st.text(st.sampled_from('[]{}",:0123456789.eE-+ \\u/dD8 truefalsenullNaInfity'), max_size=30)


def standard_loads(text: str) -> Any:
    """What `loads` answers when the standard parser reads every text (as it did before orjson)."""
    with mock.patch.object(json_input, "_fast_loads", return_value=json_input._UNREAD):
        return json_input.loads(text)


def outcome(parse: Any, text: str) -> tuple[str, ...]:
    """The parsed value's repr (int and float, 0.0 and -0.0 and key order all differ in it), or the error."""
    try:
        return ("value", repr(parse(text)))
    except InvalidRequestError as error:
        return ("error", error.field, str(error))


def loads_from_bytes(text: str) -> Any:
    """`loads` handed the text's bytes as well, as a request body's parse does."""
    return json_input.loads(text, text.encode("utf-8", "surrogatepass"))


def assert_read_alike(text: str) -> None:
    expected = outcome(standard_loads, text)
    assert outcome(json_input.loads, text) == expected
    assert outcome(loads_from_bytes, text) == expected


@given(VALUES, st.booleans(), st.sampled_from([(",", ":"), (", ", ": ")]))
def test_any_json_text_is_read_as_the_standard_parser_reads_it(value: Any, ascii_only: bool, separators: Any) -> None:
    # ensure_ascii writes every non-ASCII letter, and every lone surrogate, as a \u escape.
    assert_read_alike(json.dumps(value, ensure_ascii=ascii_only, separators=separators))


@given(st.lists(NUMBER_TEXTS, min_size=1, max_size=4))
def test_numbers_are_read_as_the_standard_parser_reads_them(numbers: list[str]) -> None:
    assert_read_alike("[" + ",".join(numbers) + "]")
    assert_read_alike('{"n": ' + numbers[0] + "}")


@given(JSONISH_TEXTS)
def test_text_that_is_not_json_is_refused_as_the_standard_parser_refuses_it(text: str) -> None:
    assert_read_alike(text)


@pytest.mark.parametrize(
    "text",
    [
        "18446744073709551615",  # the largest integer orjson keeps an int
        "18446744073709551616",  # one more: orjson would read a float
        "-9223372036854775809",
        '{"id": 123456789012345678901234567890}',
        '{"phone": "1234567890123456789"}',  # a long run of digits in a string: read alike all the same
        "1e400",
        "[-1e400]",
        "1E310:",  # a number too large, then text that is not JSON: a 400, not the parser's own error
        "[1e400," + "[" * 100_000,  # a number too large, then nesting too deep to read: a 400, not a crash
        '{"a": 1e400} x',
        "NaN",
        '{"a": Infinity}',
        '"\\ud800"',
        '{"\\udc00": 1}',
        '"\\ud83d\\ude00"',  # a surrogate pair: one letter
        '{"a": 1, "b": 2, "a": 3}',  # the last value, at the first key's place
        "\ufeff{}",
        "[1,]",
        "",
        " {} ",
        "-0",
        "-0.0",
        "1E2",
        "4.9e-324",
        "[" * json_input.MAX_DEPTH + "]" * json_input.MAX_DEPTH,
        "[" * (json_input.MAX_DEPTH + 1) + "]" * (json_input.MAX_DEPTH + 1),
        "[" * 1100 + "]" * 1100,  # deeper than orjson reads
        "[" * 100_000,
    ],
)
def test_edge_cases_are_read_as_the_standard_parser_reads_them(text: str) -> None:
    assert_read_alike(text)


def test_orjson_reads_the_usual_body() -> None:
    """The comparison above means something only if orjson does read the usual body."""
    body = '{"method": "create", "payload": {"email": "a@example.com", "memberships": ["IT"], "n": 4711}}'
    with mock.patch.object(json_input, "_standard_loads", side_effect=AssertionError("not orjson")):
        assert json_input.loads(body) == json.loads(body)
