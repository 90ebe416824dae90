"""What a query means over one Auth0-shaped user, evaluated in code."""

from __future__ import annotations

import pytest

from dahooks.search import Pattern, Wildcard, parse
from dahooks.search.matching import SearchSemantics, glob_match, values_of

KELLY = {
    "user_id": "kelly",
    "username": "kelly",
    "email": "kelly@example.com",
    "name": "Kelly Smith",
    "given_name": "Kelly",
    "blocked": False,
    "logins": 7,
    "created_at": "2024-05-01T12:00:00.000Z",
    "tags": ["finance", "Payroll"],
    "empty": "",
    "app_metadata": {"department": "Finance"},
    "user_metadata": {"nested": {"deep": "yes"}},
}
SEMANTICS = SearchSemantics()


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("kelly", True),  # a bare term searches the default fields (here user_id, username)
        ("KELLY", True),  # ... given_name "Kelly" ignores case, though user_id and username compare exactly
        ("user_id:KELLY", False),
        ('"kelly smith"', True),  # name is a default field and ignores case
        ("smith", False),  # a term matches a whole value, not a word in it
        ("name:kelly*", True),
        ("name:*SMITH", True),
        ("name:k?lly*", True),
        ("name:k?lly", False),
        ("name:*ell*", True),
        ("email:kelly@example.com", True),
        ("email:KELLY@example.com", False),  # e-mails are stored in lower case and compared exactly
        ("app_metadata.department:Finance", True),
        ("app_metadata.department:finance", False),  # departments are identifiers
        ("app_metadata.department:Fin*", True),
        ("user_metadata.nested.deep:yes", True),
        ("user_metadata.nested:yes", False),  # an object has no value
        ("app_metadata.department.x:Finance", False),
        ("blocked:false", True),
        ("blocked:FALSE", True),
        ("blocked:true", False),
        ("logins:7", True),
        ("logins:[5 TO 10]", True),
        ("logins:[7 TO 10}", True),
        ("logins:{7 TO 10]", False),
        ("logins:[10 TO 70]", False),  # numbers compare as numbers, not as text
        ("logins:>6", True),
        ("logins:<7", False),
        ("logins:<=7", True),
        ("created_at:[2024-01-01 TO 2024-12-31]", True),
        ("created_at:>2025", False),
        ("name:[a TO z]", False),  # text compares by code point: "Kelly Smith" sorts before "a"
        ("tags:payroll", True),  # any item of a list
        ("tags:marketing", False),
        ("_exists_:email", True),
        ("_exists_:phone_number", False),
        ("_exists_:empty", False),
        ("empty:*", False),
        ("name:*", True),
        ("missing:*", False),
        ("NOT missing:x", True),
        ("NOT kelly", False),
        ("kelly AND NOT blocked:true", True),
        ("bob OR kelly", True),
        ("name:(bob OR kel*)", True),
        ("+kelly -bob", True),
        ("*", True),
        ("NOT *", False),
    ],
)
def test_query_meaning_over_one_user(search: str, expected: object) -> None:
    assert SEMANTICS.matches(parse(search), KELLY) is expected


def test_values_of_reads_dotted_paths_lists_and_scalars() -> None:
    assert values_of(KELLY, "tags") == ["finance", "Payroll"]
    assert values_of(KELLY, "blocked") == ["false"]
    assert values_of(KELLY, "user_metadata") == []
    assert values_of(KELLY, "nothing.here") == []


def test_default_fields_and_case_sensitivity_are_configurable() -> None:
    semantics = SearchSemantics(default_fields=("name",), case_sensitive_fields=frozenset({"name"}))
    assert semantics.matches(parse('"Kelly Smith"'), KELLY)
    assert not semantics.matches(parse('"kelly smith"'), KELLY)
    assert not semantics.matches(parse("kelly"), KELLY)


@pytest.mark.parametrize(
    ("parts", "text", "expected"),
    [
        ((), "", True),
        ((), "a", False),
        ((Wildcard.ANY,), "", True),
        (("a", Wildcard.ANY, "b"), "ab", True),
        (("a", Wildcard.ANY, "b"), "axxb", True),
        (("a", Wildcard.ANY, "b"), "axxbc", False),
        ((Wildcard.ONE,), "", False),
        ((Wildcard.ONE, Wildcard.ONE), "ab", True),
        ((Wildcard.ANY, "ab", Wildcard.ANY, "ab"), "xabyab", True),
        ((Wildcard.ANY, "aab"), "aaab", True),
        (("a*b",), "a*b", True),
        (("a*b",), "axb", False),
    ],
)
def test_glob_match(parts: tuple[str | Wildcard, ...], text: str, expected: bool) -> None:
    assert glob_match(Pattern(parts), text) is expected


def test_glob_match_does_not_backtrack_exponentially() -> None:
    # A regular expression engine takes exponential time on this; the two-pointer scan does not.
    pattern = Pattern(tuple(item for _ in range(20) for item in (Wildcard.ANY, "a")) + ("b",))
    assert glob_match(pattern, "a" * 2000) is False
