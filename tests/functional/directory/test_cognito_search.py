"""Searches over a seeded pool in moto's Cognito: never outside the filter, every user exactly once.

The pool (one per module, read-only here): departments IT, HR and Finance with 40 employees each
(`it-01`…, `hr-01`…, `finance-01`…), the dashboard users of the demo directory, `nora` in no
department, and `drifter`, an HR user whose Finance group membership went stale (the index says
Finance, the attribute says HR): a department listing must only ever narrow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from dahooks.exceptions import InvalidRequestError, InvalidSearchError
from dahooks.search import AttributeListing, DepartmentListing, FullListing, Query, restrict

from .conftest import DEPARTMENTS, CognitoRig, make_rig

if TYPE_CHECKING:
    from collections.abc import Iterator

    from dahooks.directory import CognitoDirectory

FINANCE = 'app_metadata.department:"Finance"'
EMPLOYEES = 40
DASHBOARD_USERS = {"kelly": "Finance", "oscar": "Finance", "amy": "HR", "ian": "IT", "nora": None}
LISTING_OPERATIONS = ("ListUsers", "ListUsersInGroup")


@pytest.fixture(scope="module")
def seeded(cognito_endpoint: str) -> CognitoRig:
    rig = make_rig(cognito_endpoint)
    for department in DEPARTMENTS:
        for number in range(1, EMPLOYEES + 1):
            username = f"{department.lower()}-{number:02}"
            rig.seed(username, department, name=f"{department} Employee {number}")
    for username, dashboard_department in DASHBOARD_USERS.items():
        rig.seed(username, dashboard_department)
    rig.seed("drifter", "HR")
    rig.join_group("drifter", "department:Finance")
    rig.calls.clear()
    return rig


@pytest.fixture
def directory(seeded: CognitoRig) -> Iterator[CognitoDirectory]:
    seeded.calls.clear()
    yield seeded.directory
    assert all(limit <= 60 for limit in listing_limits(seeded)), "a listing asked Cognito for more than 60 rows"


def listing_limits(seeded: CognitoRig) -> list[int]:
    return [params["Limit"] for name, params in seeded.calls if name in LISTING_OPERATIONS]


def all_pages(directory: CognitoDirectory, query: Query, per_page: int) -> list[dict[str, Any]]:
    users: list[dict[str, Any]] = []
    cursor = None
    for _ in range(500):
        page = directory.search_users(query, per_page=per_page, cursor=cursor)
        assert len(page.users) <= per_page
        users.extend(page.users)
        cursor = page.next
        if cursor is None:
            return users
    raise AssertionError("the listing never ended")


FINANCE_USERS = {f"finance-{number:02}" for number in range(1, EMPLOYEES + 1)} | {"kelly", "oscar"}


HOSTILE_SEARCHES = [
    "*) OR (name:*",
    "*) OR (app_metadata.department:*",
    'name:"x") OR (name:"',
    '"',
    'name:"unbalanced',
    "(",
    ")",
    "\\",
    "*",
    "* OR *",
    "NOT *",
    "app_metadata.department:HR",
    "app_metadata.department:HR OR *",
    'app_metadata.department:"HR" OR app_metadata.department:"Finance"',
    "app_metadata.department:[A TO Z]",
    "app_metadata.department:{* TO *}",
    "name:[* TO *]",
    "created_at:[* TO *]",
    "/.*/",
    "name:/.*/",
    "app_metadata.department:/.*/",
    "_exists_:name",
    "_exists_:app_metadata.department",
    "NOT app_metadata.department:Finance",
    "-app_metadata.department:Finance",
    "NOT app_metadata.department:Finance OR NOT name:x",
    "user_id:amy",
    "amy",
    "email:amy@example.com",
    "email:*@example.com",
    "user_id:*",
    "blocked:false OR blocked:true",
    "name:(a:b)",
    "app_metadata.department:Fin*",
    "kelly~",
    "a && b || c",
    "name:x)) OR ((name:*",
]


@pytest.mark.parametrize("search", HOSTILE_SEARCHES)
def test_a_hostile_search_is_refused_or_lists_only_the_filters_department(
    directory: CognitoDirectory, seeded: CognitoRig, search: str
) -> None:
    try:
        query = restrict(search, FINANCE)
    except InvalidSearchError:
        assert seeded.calls == []  # refused before Cognito was asked anything
        return
    listed = {user["user_id"] for user in all_pages(directory, query, per_page=25)}
    assert listed <= FINANCE_USERS
    assert "drifter" not in listed


def test_the_filter_alone_lists_exactly_the_department(directory: CognitoDirectory, seeded: CognitoRig) -> None:
    listed = [user["user_id"] for user in all_pages(directory, restrict("*", FINANCE), per_page=10)]
    assert sorted(listed) == sorted(FINANCE_USERS)
    assert len(listed) == len(set(listed))


@pytest.mark.parametrize("per_page", [1, 7, 10, 50, 100])
@pytest.mark.parametrize(
    "search",
    [
        "NOT name:*1*",  # Finance's index, some rows rejected in code
        "name:*Employee\\ 3*",
    ],
)
def test_pagination_over_a_partially_filtered_department_lists_everyone_once(
    directory: CognitoDirectory, seeded: CognitoRig, per_page: int, search: str
) -> None:
    query = restrict(search, FINANCE)
    assert directory.pager.plan(query).sources == (DepartmentListing("Finance"),)
    listed = [user["user_id"] for user in all_pages(directory, query, per_page)]
    matches = directory.pager.semantics.matches
    expected = {user_id for user_id in FINANCE_USERS if matches(query, seeded.directory.get_user(user_id))}
    assert sorted(listed) == sorted(expected)
    assert len(listed) == len(set(listed))
    assert 0 < max(listing_limits(seeded)) <= 60


@pytest.mark.parametrize("per_page", [3, 10, 100])
def test_pagination_over_the_whole_pool_with_a_call_budget_lists_everyone_once(
    seeded: CognitoRig, directory: CognitoDirectory, per_page: int
) -> None:
    budgeted = seeded.directory_with(max_calls_per_page=1)
    query = restrict("name:*Employee\\ 2*", None)  # no safe pushdown: every user is read, in chunks of 60
    assert budgeted.pager.plan(query).sources == (FullListing(),)
    pages = []
    cursor = None
    while True:
        page = budgeted.search_users(query, per_page=per_page, cursor=cursor)
        assert page.calls == 1
        pages.append([user["user_id"] for user in page.users])
        cursor = page.next
        if cursor is None:
            break
    listed = [user_id for page_ids in pages for user_id in page_ids]
    expected = [f"{department.lower()}-{number:02}" for department in DEPARTMENTS for number in (2, *range(20, 30))]
    assert sorted(listed) == sorted(expected)
    assert len(listed) == len(set(listed))
    assert len(pages) >= 3  # 125 users, 60 a call, one call a request: the budget cut the listing into pages


def test_a_page_of_a_department_is_one_call(directory: CognitoDirectory, seeded: CognitoRig) -> None:
    seeded.calls.clear()
    page = directory.department_users("Finance", per_page=40)
    assert len(page.users) == 40
    assert page.calls == 1
    assert [(name, params["Limit"]) for name, params in seeded.calls] == [("ListUsersInGroup", 40)]


def test_an_exact_email_is_found_by_cognitos_filter(directory: CognitoDirectory, seeded: CognitoRig) -> None:
    seeded.calls.clear()
    page = directory.search_users(restrict("email:amy@example.com", None))
    assert [user["user_id"] for user in page.users] == ["amy"]
    assert page.sources == (AttributeListing("email", "=", "amy@example.com"),)
    assert seeded.calls[0][1]["Filter"] == 'email = "amy@example.com"'


def test_a_prefix_is_found_by_cognitos_filter(directory: CognitoDirectory) -> None:
    page = directory.search_users(restrict("user_id:finance-0*", None), per_page=100)
    assert sorted(user["user_id"] for user in page.users) == [f"finance-0{number}" for number in range(1, 10)]


def test_a_tampered_cursor_is_refused(directory: CognitoDirectory) -> None:
    query = restrict(None, FINANCE)
    page = directory.search_users(query, per_page=5)
    assert page.next is not None
    body, _, mac = page.next.partition(".")
    for tampered in (body + "." + mac[:-1] + ("A" if mac[-1] != "A" else "B"), body[::-1] + "." + mac, "garbage"):
        with pytest.raises(InvalidRequestError, match="cursor"):
            directory.search_users(query, per_page=5, cursor=tampered)
    with pytest.raises(InvalidRequestError, match="another search"):
        directory.search_users(restrict(None, 'app_metadata.department:"HR"'), per_page=5, cursor=page.next)
