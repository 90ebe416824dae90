"""The planner hands a part of the query to the directory only when the directory's match is at least as broad."""

from __future__ import annotations

import pytest

from dahooks.search import AttributeListing, DepartmentListing, FullListing, PushdownRules, Source, plan, restrict
from dahooks.search.matching import SearchSemantics

SEMANTICS = SearchSemantics()
RULES = PushdownRules(
    attribute_fields=frozenset({"user_id", "username", "email", "name", "given_name", "phone_number"}),
    flag_fields=frozenset({"blocked"}),
    max_value_length=40,
    indexes_department=lambda department: len(department) < 30,
)
FINANCE = 'app_metadata.department:"Finance"'


def sources(
    search: str | None,
    filter_query: str | None = None,
    semantics: SearchSemantics = SEMANTICS,
    rules: PushdownRules = RULES,
) -> tuple[Source, ...]:
    return plan(restrict(search, filter_query), semantics, rules).sources


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        # The filter's department is the directory's own index, whatever the search adds.
        (None, (DepartmentListing("Finance"),)),
        ("name:kel*", (DepartmentListing("Finance"),)),
        ("email:kelly@example.com", (DepartmentListing("Finance"),)),
        ("NOT app_metadata.department:Finance", (DepartmentListing("Finance"),)),
        ("*", (DepartmentListing("Finance"),)),
    ],
)
def test_the_filters_department_is_read_from_its_index(search: str, expected: object) -> None:
    assert sources(search, FINANCE) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("email:kelly@example.com", AttributeListing("email", "=", "kelly@example.com")),
        ('email:"kelly@example.com"', AttributeListing("email", "=", "kelly@example.com")),
        ("email:kel*", AttributeListing("email", "^=", "kel")),
        ("user_id:Kelly", AttributeListing("user_id", "=", "Kelly")),
        ("username:kel*", AttributeListing("username", "^=", "kel")),
        ("phone_number:\\+4930*", AttributeListing("phone_number", "^=", "+4930")),  # Lucene needs the + escaped
        ("name:123*", AttributeListing("name", "^=", "123")),  # nothing in it that case could change
        ('given_name:"42 - 7"', AttributeListing("given_name", "=", "42 - 7")),
        ("blocked:true", AttributeListing("blocked", "=", "true")),
        ("blocked:FALSE", AttributeListing("blocked", "=", "false")),
        ("name:x* AND email:y@z", AttributeListing("email", "=", "y@z")),  # exact before prefix
        ("email:a* email:b@c", AttributeListing("email", "=", "b@c")),
    ],
)
def test_safe_attribute_conditions_are_pushed_down(search: str, expected: object) -> None:
    assert sources(search) == (expected,)


@pytest.mark.parametrize(
    "search",
    [
        "name:kel*",  # names ignore case in code; Cognito may compare them by case
        'name:"Kelly Smith"',
        "given_name:Kelly",
        "nickname:kel",  # not searchable by the directory
        "email:*@example.com",  # a wildcard before the end
        "email:k?lly@example.com",
        "email:kel*y",
        "email:*",  # existence
        'email:"a\\"b@example.com"',  # quotes and backslashes: filters escape them inconsistently
        'email:"a\\\\b@example.com"',
        'email:"tab\there"',  # not printable
        "email:" + "x" * 41,  # longer than the filter can hold
        "NOT email:kelly@example.com",
        "email:a@b OR email:c@d",  # one filter per call
        "email:a@b OR name:c",
        "email:[a TO b]",
        "_exists_:email",
        "kelly",  # a bare term is an OR over the default fields
        "blocked:maybe",
        "blocked:t*",
        "app_metadata.department:Fin*",  # the index holds exact names only
        "app_metadata.department:" + "x" * 31,  # no group can hold this name
        "(app_metadata.department:A OR name:b)",
        "*",
    ],
)
def test_unsafe_or_unsupported_conditions_are_evaluated_over_every_user(search: str) -> None:
    assert sources(search) == (FullListing(),)


def test_a_union_of_departments_is_read_from_each_index_in_turn() -> None:
    query = "(app_metadata.department:A OR app_metadata.department:B OR app_metadata.department:A) AND name:x"
    assert sources(query) == (DepartmentListing("A"), DepartmentListing("B"))


def test_a_union_over_too_many_departments_is_not_read_index_by_index() -> None:
    query = " OR ".join(f"app_metadata.department:D{number}" for number in range(RULES.max_departments + 1))
    assert sources(query) == (FullListing(),)


def test_departments_that_ignore_case_in_code_are_not_read_from_the_exact_index() -> None:
    semantics = SearchSemantics(case_sensitive_fields=frozenset())
    assert sources(None, FINANCE, semantics=semantics) == (FullListing(),)


def test_a_directory_without_a_department_index_reads_every_user() -> None:
    rules = PushdownRules(department_field=None)
    assert sources(None, FINANCE, rules=rules) == (FullListing(),)


@pytest.mark.parametrize(
    ("search", "filter_query", "exact"),
    [
        (None, FINANCE, True),  # the index is the whole query: a page needs no extra rows
        ("name:x", FINANCE, False),
        ("email:a@b", None, True),
        ("blocked:true", None, True),
        ("name:1*", None, False),  # the directory may ignore case where the code does not
        (None, None, True),
        ("name:x", None, False),
    ],
)
def test_exact_plans_are_those_whose_listing_is_the_whole_query(
    search: str, filter_query: str | None, exact: bool
) -> None:
    assert plan(restrict(search, filter_query), SEMANTICS, RULES).exact is exact
