"""Combining the filter hook's query with a user's own search cannot widen the filter."""

from __future__ import annotations

import pytest

from dahooks.lucene import UnsafeSearchError, field_equals, phrase, restrict

FILTER = field_equals("app_metadata.department", "Finance")


@pytest.mark.parametrize(
    "search",
    [
        "*) OR (name:*",
        "name:*) OR (email:*",
        "(name:x",
        "name:x)",
        'name:"unterminated',
        "trailing\\",
        ") (",
    ],
)
def test_search_that_could_escape_the_filter_is_refused(search):
    with pytest.raises(UnsafeSearchError):
        restrict(search, FILTER)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("name:john", '(name:john) AND (app_metadata.department:"Finance")'),
        ('name:"a) OR (b"', '(name:"a) OR (b") AND (app_metadata.department:"Finance")'),
        ("name:a\\)", '(name:a\\)) AND (app_metadata.department:"Finance")'),
        ("(a OR b) AND c", '((a OR b) AND c) AND (app_metadata.department:"Finance")'),
        ("", 'app_metadata.department:"Finance"'),
        (None, 'app_metadata.department:"Finance"'),
    ],
)
def test_balanced_search_is_wrapped_and_anded_with_the_filter(search, expected):
    assert restrict(search, FILTER) == expected


def test_without_a_filter_the_search_is_unchanged_but_still_checked():
    assert restrict("name:john", None) == "name:john"
    assert restrict(None, None) is None
    with pytest.raises(UnsafeSearchError):
        restrict("a) OR (b", None)


@pytest.mark.parametrize(
    ("value", "quoted"),
    [("Finance", '"Finance"'), ('a"b', '"a\\"b"'), ("a\\", '"a\\\\"'), ("x OR *:*", '"x OR *:*"')],
)
def test_phrase_escapes_quotes_and_backslashes(value, quoted):
    assert phrase(value) == quoted
