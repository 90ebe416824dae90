"""Properties over generated searches: the filter is never escaped, and no plan loses a user.

1. Any text a user may type, joined with a department filter, is refused (400) or lists only that
   department's users, whatever its parentheses, quotes, ranges, wildcards, `_exists_` or NOT.
2. For any query tree, the pages of its plan hold exactly the users the query selects in code, over
   a directory whose filters compare by case or ignore it: pushdown is never narrower.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dahooks.exceptions import InvalidSearchError
from dahooks.search import (
    EVERYONE,
    CursorCodec,
    Exists,
    Not,
    Pager,
    Pattern,
    PushdownRules,
    Query,
    Range,
    Term,
    Wildcard,
    all_of,
    any_of,
    restrict,
)
from dahooks.search.matching import SearchSemantics
from tests.hostile_fixtures.strategies import hostile_searches

from .fake_listing import FakeListing, make_user

CODEC = CursorCodec(b"k" * 32)
RULES = PushdownRules(
    attribute_fields=frozenset({"user_id", "username", "email", "name", "given_name", "phone_number"}),
    flag_fields=frozenset({"blocked"}),
)
FILTER = 'app_metadata.department:"Finance"'
SEMANTICS = SearchSemantics()
PROPERTY_EXAMPLES = settings(suppress_health_check=[HealthCheck.too_slow])

NAMES = [
    "Kelly Smith",
    "kelly smith",
    "KELLY",
    "Ian",
    "Amy 42",
    "42",
    "Ünal Öz",
    "straße",
    "STRASSE",
    'Quo"te',
    "back\\slash",
]
USERS = [
    make_user(
        f"u{index:02}",
        ("Finance", "HR", "IT", "finance", None)[index % 5],
        name=NAMES[index % len(NAMES)],
        given_name=NAMES[(index * 3) % len(NAMES)],
        email=f"{('kelly', 'Kelly', 'ian', 'amy')[index % 4]}{index}@example.com",
        phone_number=f"+49{index:04}",
        blocked=index % 7 == 0,
    )
    for index in range(45)
]


@PROPERTY_EXAMPLES
@given(hostile_searches)
def test_a_search_never_lists_a_user_outside_the_filter(search: str) -> None:
    try:
        query = restrict(search, FILTER)
    except InvalidSearchError:
        event("refused")
        return
    event("accepted")
    pager = Pager(FakeListing(USERS), CODEC, RULES, max_calls=3)
    cursor: str | None = None
    listed: list[dict[str, Any]] = []
    while True:
        page = pager.page(query, per_page=4, cursor=cursor)
        listed.extend(page.users)
        cursor = page.next
        if cursor is None:
            break
    assert all(user["app_metadata"].get("department") == "Finance" for user in listed)


FIELDS = ["user_id", "email", "name", "given_name", "phone_number", "blocked", "app_metadata.department", "nickname"]
LITERALS = [
    "kelly",
    "Kelly",
    "u0",
    "u07",
    "Finance",
    "finance",
    "HR",
    "true",
    "FALSE",
    "42",
    "+49",
    "straße",
    "ss",
    'Quo"te',
]
exact_or_prefix = st.one_of(
    st.sampled_from(LITERALS).map(Pattern.literal),
    st.sampled_from(LITERALS).map(lambda text: Pattern((text, Wildcard.ANY))),
)
patterns = st.one_of(
    exact_or_prefix, st.sampled_from(LITERALS).map(lambda text: Pattern((Wildcard.ANY, text, Wildcard.ANY)))
)
leaves = st.one_of(
    st.builds(Term, st.sampled_from(FIELDS), patterns),
    st.builds(Term, st.none(), patterns),
    st.builds(Exists, st.sampled_from(FIELDS)),
    st.builds(Range, st.sampled_from(FIELDS), st.sampled_from([None, "A", "k"]), st.sampled_from([None, "u2", "z"])),
    st.just(EVERYONE),
)
queries = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: all_of(*parts)),
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: any_of(*parts)),
        inner.map(Not),
    ),
    max_leaves=6,
)
# Conditions the planner may push down (an exact or prefix term, a union of departments), ANDed
# with anything, so the pushdown paths are exercised as often as the full listing.
pushable = st.one_of(
    st.builds(Term, st.sampled_from(FIELDS), exact_or_prefix),
    st.lists(st.sampled_from(["Finance", "finance", "HR", "IT"]), min_size=1, max_size=3).map(
        lambda names: any_of(*(Term("app_metadata.department", Pattern.literal(name)) for name in names))
    ),
)
planned_queries = st.one_of(queries, st.builds(all_of, pushable, queries), pushable)


@PROPERTY_EXAMPLES
@given(planned_queries, st.booleans(), st.sampled_from([1, 5, 60]))
def test_a_plan_lists_exactly_the_users_the_query_selects(
    query: Query, filters_ignore_case: bool, per_page: int
) -> None:
    listing = FakeListing(USERS, filters_ignore_case=filters_ignore_case)
    pager = Pager(listing, CODEC, RULES, max_calls=2)
    event(type(pager.plan(query).sources[0]).__name__)
    cursor: str | None = None
    listed: list[str] = []
    while True:
        page = pager.page(query, per_page=per_page, cursor=cursor)
        listed.extend(user["user_id"] for user in page.users)
        cursor = page.next
        if cursor is None:
            break
    expected = [user["user_id"] for user in USERS if SEMANTICS.matches(query, user)]
    assert sorted(listed) == sorted(expected)
    assert len(listed) == len(set(listed))
