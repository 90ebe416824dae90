"""Lucene text becomes our own query tree; whatever could escape the filter does not parse or is refused."""

from __future__ import annotations

import pytest

from dahooks.exceptions import HookFailedError, InvalidSearchError
from dahooks.search import EVERYONE, And, Exists, Not, Or, Pattern, Range, Term, Wildcard, parse, restrict
from dahooks.search.parsing import MAX_DEPTH, MAX_SEARCH_LENGTH, MAX_TERMS

ANY, ONE = Wildcard.ANY, Wildcard.ONE
FINANCE = Term("app_metadata.department", Pattern(("Finance",)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", EVERYONE),
        ("   ", EVERYONE),
        (None, EVERYONE),
        ("*", EVERYONE),
        ("kelly", Term(None, Pattern(("kelly",)))),
        ('name:"Kelly Smith"', Term("name", Pattern(("Kelly Smith",)))),
        ("name:kel*", Term("name", Pattern(("kel", ANY)))),
        ("name:k?lly", Term("name", Pattern(("k", ONE, "lly")))),
        ("name:k**y", Term("name", Pattern(("k", ANY, "y")))),
        ("name:kel\\*ly", Term("name", Pattern(("kel*ly",)))),
        ('name:"kel*ly"', Term("name", Pattern(("kel*ly",)))),
        ('name:"say \\"hi\\" \\\\o/"', Term("name", Pattern(('say "hi" \\o/',)))),
        ("name:*", Exists("name")),
        ("_exists_:email", Exists("email")),
        ("app_metadata.department:Finance", FINANCE),
        ("a AND b", And((Term(None, Pattern(("a",))), Term(None, Pattern(("b",)))))),
        ("a b", And((Term(None, Pattern(("a",))), Term(None, Pattern(("b",)))))),
        ("a OR b", Or((Term(None, Pattern(("a",))), Term(None, Pattern(("b",)))))),
        ("NOT a", Not(Term(None, Pattern(("a",))))),
        ("-a", Not(Term(None, Pattern(("a",))))),
        ("+a", Term(None, Pattern(("a",)))),
        ("a^2", Term(None, Pattern(("a",)))),
        ("name:(a OR b)", Or((Term("name", Pattern(("a",))), Term("name", Pattern(("b",)))))),
        ("created_at:[2024 TO 2025}", Range("created_at", "2024", "2025", True, False)),
        ("n:[* TO 5]", Range("n", None, "5")),
        ("n:[-5 TO 5]", Range("n", "-5", "5")),
        ("n:>=3", Range("n", "3", None)),
        ("n:<3", Range("n", None, "3", include_high=False)),
        ("* AND name:x", Term("name", Pattern(("x",)))),
    ],
)
def test_accepted_searches_become_query_trees(text: str | None, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("*) OR (name:*", "does not parse"),
        ("name:*) OR (email:*", "does not parse"),
        ("(name:x", "does not parse"),
        ("name:x)", "does not parse"),
        ('name:"unterminated', "does not parse"),
        ('"', "does not parse"),
        ("a AND", "does not parse"),
        ("OR", "does not parse"),
        ("name:/k.*/", "Regular expressions"),
        ("/.*/", "Regular expressions"),
        ("kelly~", "Fuzzy"),
        ('"kelly smith"~2', "proximity"),
        ("name:(email:x)", "inside another field"),
        ("a\\:b:c", "Not a field name"),
        ("_exists_:(a OR b)", "_exists_ takes a field name"),
        ('_exists_:"a b"', "_exists_ takes a field name"),
        ("[a TO b]", "A range needs a field"),
        ("n:[a* TO b]", "cannot hold a wildcard"),
        ("x" * (MAX_SEARCH_LENGTH + 1), "longer than"),
        (" OR ".join(["a"] * (MAX_TERMS + 1)), "more than"),
        ("(" * (MAX_DEPTH + 2) + "a" + ")" * (MAX_DEPTH + 2), "nests deeper"),
    ],
)
def test_searches_that_do_not_parse_or_are_unsupported_are_refused(text: str | None, reason: str) -> None:
    with pytest.raises(InvalidSearchError, match=reason):
        parse(text)


def test_search_and_filter_are_joined_as_trees_never_as_text() -> None:
    query = restrict("name:kel* OR name:bob", 'app_metadata.department:"Finance"')
    assert query == And((Or((Term("name", Pattern(("kel", ANY))), Term("name", Pattern(("bob",))))), FINANCE))


def test_a_search_cannot_close_the_group_it_is_put_in() -> None:
    with pytest.raises(InvalidSearchError):
        restrict("*) OR (name:*", 'app_metadata.department:"Finance"')


def test_no_filter_leaves_the_search_alone_and_no_search_leaves_the_filter() -> None:
    assert restrict("name:x", None) == Term("name", Pattern(("x",)))
    assert restrict(None, 'app_metadata.department:"Finance"') == FINANCE


def test_a_filter_query_that_does_not_parse_is_the_hooks_failure() -> None:
    with pytest.raises(HookFailedError, match="filter hook"):
        restrict("name:x", 'app_metadata.department:"Fin')
