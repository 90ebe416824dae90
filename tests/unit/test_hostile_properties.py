"""Property tests: whatever a caller sends and whatever a hook returns, the answer is one openapi.yaml documents.

The request validators, the body parser, and the validators behind the other routes either accept
or raise `InvalidRequestError` naming the field; the result checkers normalise to the documented
body or raise `ResultShapeError` — never another exception. (The same, through each real handler,
is in tests/functional/test_hostile_properties.py.) Examples are bounded so the suite stays fast;
`--hypothesis-seed` reproduces a failure. Every hook type's validator and checker sees each generated
body or result: the same 300 examples per hook type as a test per hook type would give it, for the
cost of generating them once (generation, not checking, is what these tests spend their time on).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hypothesis import given, note
from hypothesis import strategies as st

from dahooks.exceptions import InvalidRequestError
from dahooks.hook_types import HOOK_TYPES
from dahooks.registration.sources import from_accept_body
from dahooks.results import ResultShapeError
from dahooks.storage.api import parse_if_match, parse_put_body
from dahooks.validation import parse_json_object
from local.testing import synchronous_hook_routes
from tests.hostile_fixtures.openapi import schema_validator
from tests.hostile_fixtures.strategies import hook_bodies, hook_results, json_values, users

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from dahooks.hook_types import HookType

# The synchronous hook routes of the template, each with the function that serves it.
HOOK_ROUTES = synchronous_hook_routes()
RESULT_SCHEMAS = {
    "filter": "FilterResult",
    "access": "AccessResult",
    "write": "WriteResult",
    "memberships": "MembershipsResult",
    "settings": "SettingsResult",
    "custom-domain": "CustomDomainResult",
}


def refused_field(check: Callable[..., Any], *args: Any) -> str | None:
    """None when `check(*args)` accepts; the field its `InvalidRequestError` names when it refuses.

    Any other exception propagates, and fails the property.
    """
    try:
        check(*args)
    except InvalidRequestError as error:
        return error.field
    return None


def test_every_synchronous_hook_route_is_covered():
    assert set(HOOK_ROUTES) == {f"/hooks/{name}" for name in HOOK_TYPES}


@given(body=hook_bodies)
def test_each_request_validator_passes_or_raises_invalid_request_with_a_field(body):
    for hook_name, hook in sorted(HOOK_TYPES.items()):
        note(f"hook type {hook_name}")
        assert refused_field(hook.validate_request, body) != "", hook_name


@given(raw=st.binary(max_size=80) | json_values.map(lambda v: json.dumps(v).encode()))
def test_body_parser_returns_an_object_or_raises_invalid_request_about_the_body(raw):
    assert refused_field(parse_json_object, raw) in (None, "body")


def accepted_by_each_hook_type(result: Any) -> Iterator[tuple[str, HookType, dict[str, Any]]]:
    """(name, hook type, normalised result) for each hook type whose result checker accepts `result`."""
    for hook_name, hook in sorted(HOOK_TYPES.items()):
        note(f"hook type {hook_name}")
        try:
            normalised = hook.check_result(result)
        except ResultShapeError:
            continue
        yield hook_name, hook, normalised


@given(result=hook_results)
def test_each_result_checker_normalises_to_the_documented_body_or_raises_result_shape_error(result):
    for hook_name, _, normalised in accepted_by_each_hook_type(result):
        errors = [e.message for e in schema_validator(RESULT_SCHEMAS[hook_name]).iter_errors(normalised)]
        assert errors == [], hook_name


@given(result=hook_results)
def test_the_answer_taken_out_of_a_documented_body_is_the_same_answer(result):
    # What a forwarding hook hands the extension's callback: it must mean what the hook answered.
    for hook_name, hook, normalised in accepted_by_each_hook_type(result):
        assert hook.check_result(hook.answer_in(normalised)) == normalised, hook_name


@given(body=st.fixed_dictionaries({"user": users | json_values}, optional={"context": json_values}))
def test_registration_body_becomes_a_registration_or_a_400_naming_the_field(body):
    assert refused_field(from_accept_body, body, "client@clients") != ""


@given(body=st.fixed_dictionaries({"data": json_values}) | json_values)
def test_custom_data_put_body_is_data_or_a_400_naming_the_field(body):
    assert refused_field(parse_put_body, json.dumps(body).encode()) != ""


@given(value=st.text(max_size=30) | st.integers().map(str) | st.none())
def test_if_match_is_a_version_or_a_400_naming_the_header(value):
    field = refused_field(parse_if_match, value)

    assert field in (None, "If-Match")
    if field is None:
        version = parse_if_match(value)
        if value is None or value.strip() == "*":
            assert version is None
        else:  # "3", '"3"' and 'W/"3"' demand version 3: its digits, and nothing else, are the version
            assert version == int("".join(char for char in value if char.isdecimal()))
            assert "-" not in value
