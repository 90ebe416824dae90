"""The filter hook's query and a user's search, combined as Lucene text that cannot widen the filter.

`dahooks.lucene.restrict` parses both sides into trees, joins them with AND and writes the result
back: whatever the search holds — unbalanced groups, regular expressions, ranges whose brackets or
quotes hide a parenthesis — it is refused, or it comes back as one AND group beside the filter.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings

from dahooks.exceptions import HookFailedError, InvalidSearchError
from dahooks.lucene import field_equals, phrase, restrict
from dahooks.search import And, Pattern, Term, parse, to_lucene
from dahooks.search.query import conjuncts
from tests.hostile_fixtures.strategies import hostile_searches

FILTER = field_equals("app_metadata.department", "Finance")
FINANCE = Term("app_metadata.department", Pattern(("Finance",)))

# Each widened the filter to every user when the search was pasted as `(search) AND (filter)`
# behind a check that counted parentheses and quotes but knew neither regexes nor ranges.
REFUSED = [
    "*) OR (name:*",
    "/(/) OR (name:*) OR (/)/",
    "name:/)/ OR (name:* OR name:/(/",
    "name:[a TO z]) OR (name:*",
    "name:{a TO b}) OR (_exists_:name",
    "name:x~) OR (name:*",
    "(name:x",
    'name:"unterminated',
    "trailing\\",
]
# Valid searches whose brackets and quotes hold parentheses: they stay inside their own group.
CONTAINED = ['name:["(" TO *] OR name:* OR name:[* TO ")"]', 'name:"a) OR (b" OR name:*', "name:\\) OR name:*"]


@pytest.mark.parametrize("search", REFUSED)
def test_a_hostile_search_is_refused(search: str) -> None:
    with pytest.raises(InvalidSearchError):
        restrict(search, FILTER)


@pytest.mark.parametrize("search", CONTAINED)
def test_a_search_holding_parentheses_in_brackets_or_quotes_stays_in_its_group(search: str) -> None:
    text = restrict(search, FILTER)
    assert text is not None
    assert text.endswith(" AND app_metadata.department:Finance)")
    assert FINANCE in conjuncts(parse(text))


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("name:john", "(name:john AND app_metadata.department:Finance)"),
        ('name:"a) OR (b"', '(name:"a) OR (b" AND app_metadata.department:Finance)'),
        ("name:a\\)*", "(name:a\\)* AND app_metadata.department:Finance)"),
        ("(a OR b) AND c", "((a OR b) AND c AND app_metadata.department:Finance)"),
        ("created_at:[2024 TO 2025}", '(created_at:["2024" TO "2025"} AND app_metadata.department:Finance)'),
        ("", "app_metadata.department:Finance"),
        (None, "app_metadata.department:Finance"),
        ("*", "app_metadata.department:Finance"),
    ],
)
def test_a_search_is_anded_with_the_filter_as_one_group(search: str | None, expected: str) -> None:
    assert restrict(search, FILTER) == expected


def test_without_a_filter_the_search_is_still_parsed() -> None:
    assert restrict("name:john", None) == "name:john"
    assert restrict(None, None) is None
    with pytest.raises(InvalidSearchError):
        restrict("a) OR (b", None)
    with pytest.raises(InvalidSearchError):
        restrict("/.*/", None)


def test_a_filter_that_does_not_parse_is_the_hooks_failure() -> None:
    with pytest.raises(HookFailedError):
        restrict("name:x", 'app_metadata.department:"Fin')


@pytest.mark.parametrize(
    ("value", "quoted"),
    [("Finance", '"Finance"'), ('a"b', '"a\\"b"'), ("a\\", '"a\\\\"'), ("x OR *:*", '"x OR *:*"')],
)
def test_phrase_escapes_quotes_and_backslashes(value: str, quoted: str) -> None:
    assert phrase(value) == quoted


@pytest.mark.parametrize(
    "text",
    [
        'name:"Kelly Smith"',
        "name:kel*",
        "name:k?lly",
        "name:kel\\*ly*",
        "name:OR*",
        'name:"AND"',
        'name:"say \\"hi\\" \\\\o/"',
        "name:a\\(b\\)*",
        "name:*",
        "_exists_:email",
        "n:[-5 TO 5]",
        "n:{* TO 5]",
        "NOT a OR (b AND -c)",
        "name:Ünal*",
        'name:""',
    ],
)
def test_the_text_reads_back_as_the_same_tree(text: str) -> None:
    query = parse(text)
    assert parse(to_lucene(query)) == query


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(hostile_searches)
def test_any_search_is_refused_or_keeps_the_filter_as_a_conjunct(search: str) -> None:
    try:
        text = restrict(search, FILTER)
    except InvalidSearchError:
        event("refused")
        return
    event("accepted")
    assert text is not None
    reread = parse(text)
    assert FINANCE in conjuncts(reread)
    assert isinstance(reread, And) or reread == FINANCE
    assert parse(to_lucene(parse(search))) == parse(search)
