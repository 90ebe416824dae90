"""Pages across partially filtered chunks list every permitted user exactly once, within a call budget."""

from __future__ import annotations

import pytest

from dahooks.exceptions import InvalidRequestError
from dahooks.search import (
    AttributeListing,
    CursorCodec,
    DepartmentListing,
    FullListing,
    Pager,
    Position,
    PushdownRules,
    Query,
    parse,
    restrict,
)
from dahooks.search.matching import SearchSemantics
from dahooks.search.query import digest

from .fake_listing import COGNITO_MAX_LIMIT, FakeListing, make_user

CODEC = CursorCodec(b"k" * 32)
RULES = PushdownRules(attribute_fields=frozenset({"user_id", "username", "email"}), flag_fields=frozenset({"blocked"}))
FINANCE = 'app_metadata.department:"Finance"'
DEPARTMENTS = ("IT", "HR", "Finance")


def directory(count: int = 150) -> FakeListing:
    """`count` users spread over three departments, some with a name that has a 7 in it."""
    return FakeListing(make_user(f"user-{number:03}", DEPARTMENTS[number % 3]) for number in range(count))


def every_page(pager: Pager, query: Query, per_page: int) -> list[list[str]]:
    """All pages of `query`, following cursors, as lists of user_ids."""
    pages: list[list[str]] = []
    cursor: str | None = None
    for _ in range(1000):
        page = pager.page(query, per_page, cursor)
        assert len(page.users) <= per_page
        assert page.calls <= pager.max_calls
        pages.append([user["user_id"] for user in page.users])
        cursor = page.next
        if cursor is None:
            return pages
    raise AssertionError("the listing never ended")


def expected_ids(listing: FakeListing, query: Query) -> list[str]:
    return sorted(user["user_id"] for user in listing.users if SearchSemantics().matches(query, user))


@pytest.mark.parametrize("per_page", [1, 2, 3, 7, 10, 50, 100])
@pytest.mark.parametrize("max_calls", [1, 2, 8])
@pytest.mark.parametrize(
    ("search", "filter_query"),
    [
        ("name:*7*", FINANCE),  # the department's index, most rows rejected in code
        (None, FINANCE),  # the index alone: exact
        ("name:*7*", None),  # every user, most rows rejected
        ("email:user-1*", None),  # a prefix filter
        ("NOT name:*7*", FINANCE),
    ],
)
def test_every_permitted_user_exactly_once(
    per_page: int, max_calls: int, search: str, filter_query: str | None
) -> None:
    listing = directory()
    pager = Pager(listing, CODEC, RULES, max_calls=max_calls)
    query = restrict(search, filter_query)
    listed = [user_id for page in every_page(pager, query, per_page) for user_id in page]
    assert sorted(listed) == expected_ids(listing, query)
    assert len(listed) == len(set(listed))
    assert all(limit <= COGNITO_MAX_LIMIT for _, _, limit in listing.calls)


def test_a_page_of_a_department_costs_one_call() -> None:
    listing = directory(600)
    page = Pager(listing, CODEC, RULES).page(restrict(None, FINANCE), per_page=50)
    assert len(page.users) == 50
    assert page.calls == 1
    assert listing.calls == [(DepartmentListing("Finance"), None, 50)]


def test_the_call_budget_ends_a_page_early_with_a_cursor() -> None:
    listing = directory(600)
    pager = Pager(listing, CODEC, RULES, max_calls=2)
    page = pager.page(parse("name:nobody"), per_page=10)
    assert (page.users, page.calls, page.scanned) == ([], 2, 120)
    assert page.next is not None  # the caller may go on; the request did not run long


def test_rows_the_index_lists_but_the_attribute_contradicts_are_not_shown() -> None:
    listing = directory(30)
    listing.groups["Finance"].append("user-000")  # user-000 is IT by its attribute
    page = Pager(listing, CODEC, RULES).page(restrict(None, FINANCE), per_page=100)
    assert "user-000" not in [user["user_id"] for user in page.users]


def test_a_union_of_departments_lists_a_member_of_both_once() -> None:
    listing = directory(30)
    listing.groups["HR"].append("user-002")  # Finance by its attribute, also in the HR group
    query = parse("app_metadata.department:Finance OR app_metadata.department:HR")
    pager = Pager(listing, CODEC, RULES)
    assert pager.plan(query).sources == (DepartmentListing("Finance"), DepartmentListing("HR"))
    listed = [user_id for page in every_page(pager, query, 3) for user_id in page]
    assert sorted(listed) == expected_ids(listing, query)
    assert listed.count("user-002") == 1


@pytest.mark.parametrize("gone", ["user-002", "user-005"])
def test_a_page_resumes_after_its_last_row_when_rows_before_it_went_away(gone: str) -> None:
    # Finance is user-002, -005, -008, ...; a page of 3 ends inside the first chunk, at user-008.
    listing = directory(60)
    pager = Pager(listing, CODEC, RULES)
    query = restrict("NOT name:nobody", FINANCE)
    first = pager.page(query, per_page=3)
    assert [user["user_id"] for user in first.users] == ["user-002", "user-005", "user-008"]
    listing.delete(gone)
    second = pager.page(query, per_page=3, cursor=first.next)
    assert [user["user_id"] for user in second.users] == ["user-011", "user-014", "user-017"]


def test_a_page_resumes_after_its_last_row_when_that_row_went_away() -> None:
    listing = directory(60)
    pager = Pager(listing, CODEC, RULES)
    query = restrict("NOT name:nobody", FINANCE)
    first = pager.page(query, per_page=3)
    listing.delete("user-008")
    second = pager.page(query, per_page=3, cursor=first.next)
    assert [user["user_id"] for user in second.users] == ["user-011", "user-014", "user-017"]


def test_a_cursor_is_bound_to_its_search() -> None:
    listing = directory(60)
    pager = Pager(listing, CODEC, RULES)
    finance = pager.page(restrict(None, FINANCE), per_page=2)
    with pytest.raises(InvalidRequestError, match="another search"):
        pager.page(restrict(None, 'app_metadata.department:"HR"'), per_page=2, cursor=finance.next)
    with pytest.raises(InvalidRequestError, match="another search"):
        pager.page(parse("*"), per_page=2, cursor=finance.next)


def test_a_forged_position_beyond_the_plan_is_refused() -> None:
    pager = Pager(directory(10), CODEC, RULES)
    query = restrict(None, FINANCE)
    forged = CODEC.encode(Position(source=5), digest(pager.plan(query)))
    with pytest.raises(InvalidRequestError, match="cursor"):
        pager.page(query, cursor=forged)


@pytest.mark.parametrize("per_page", [0, -1, 101])
def test_per_page_is_between_1_and_100(per_page: int) -> None:
    with pytest.raises(InvalidRequestError, match="per_page"):
        Pager(directory(3), CODEC, RULES).page(parse("*"), per_page=per_page)


def test_the_default_page_is_ten_users() -> None:
    assert len(Pager(directory(30), CODEC, RULES).page(parse("*")).users) == 10


def test_pushed_down_conditions_are_still_checked_in_code() -> None:
    # A directory whose filter ignores case returns more than asked; the code keeps only the exact match.
    listing = FakeListing(
        [make_user("a", "IT", email="kelly@example.com"), make_user("b", "IT", email="KELLY@example.com")]
    )
    listing.filters_ignore_case = True
    pager = Pager(listing, CODEC, RULES)
    query = parse("email:kelly@example.com")
    assert pager.plan(query).sources == (AttributeListing("email", "=", "kelly@example.com"),)
    assert [user["user_id"] for user in pager.page(query).users] == ["a"]


def test_a_search_with_no_safe_pushdown_reads_every_user() -> None:
    pager = Pager(directory(3), CODEC, RULES)
    assert pager.plan(parse("name:User*")).sources == (FullListing(),)
