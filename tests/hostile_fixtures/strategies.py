"""Hypothesis strategies for hostile hook input: any JSON value, and bodies shaped like the real ones.

Pure random JSON rarely gets past the first type check, so `hook_bodies` also builds objects with
the envelope's own field names (and the access actions, write methods, departments) holding
anything at all: that is what reaches the deeper validation and the hooks themselves.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from dahooks.validation import ACCESS_ACTIONS, WRITE_METHODS

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)

json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)

departments = st.sampled_from(["IT", "Finance", "HR", "", 'Fin"ance', "*) OR (name:*"]) | st.text(max_size=10)

users = st.fixed_dictionaries(
    {},
    optional={
        "user_id": json_values,
        "email": json_values,
        "app_metadata": json_values | st.fixed_dictionaries({"department": departments | json_values}),
    },
)

payloads = st.fixed_dictionaries(
    {},
    optional={
        "action": st.sampled_from(sorted(ACCESS_ACTIONS)) | json_values,
        "user": users | json_values,
        "email": st.emails() | json_values,
        "password": st.text(max_size=20) | json_values,
        "connection": json_values,
        "username": json_values,
        "user_metadata": json_values,
        "app_metadata": json_values,
        "memberships": st.lists(departments, max_size=3) | json_values,
    },
)

requests = st.fixed_dictionaries({}, optional={"user": users | json_values, "originalUser": users | json_values})

hook_bodies: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {},
    optional={
        "request": st.fixed_dictionaries(
            {}, optional={"user": users | json_values, "originalUser": users | json_values}
        )
        | json_values,
        "payload": payloads | json_values,
        "method": st.sampled_from(WRITE_METHODS) | json_values,
        "userFields": st.lists(json_values, max_size=3) | json_values,
        "locale": st.sampled_from(["en", "fr-CA"]) | json_values,
    },
)

# Bodies the validators accept (plausible users, known actions and methods) with hostile values
# where a hook reads them: what reaches the hooks' own decisions and results.
dashboard_users = st.fixed_dictionaries(
    {"user_id": st.text(max_size=12), "app_metadata": st.fixed_dictionaries({"department": departments})},
    optional={"email": st.emails(), "user_metadata": st.dictionaries(st.text(max_size=8), json_values, max_size=3)},
)
plausible_bodies = st.fixed_dictionaries(
    {
        "request": st.fixed_dictionaries({"user": dashboard_users}, optional={"originalUser": dashboard_users}),
        "payload": st.fixed_dictionaries(
            {
                "action": st.sampled_from(sorted(ACCESS_ACTIONS)),
                "user": dashboard_users,
                "memberships": st.lists(departments, max_size=2),
            },
            optional={
                "email": st.emails(),
                "password": st.text(max_size=20),
                "user_metadata": st.dictionaries(st.text(max_size=8), json_values, max_size=3),
                "app_metadata": st.dictionaries(st.text(max_size=8), json_values, max_size=3),
            },
        ),
        "method": st.sampled_from(WRITE_METHODS),
    },
    optional={"locale": st.text(max_size=5), "userFields": st.lists(json_values, max_size=3)},
)

request_bodies = plausible_bodies | hook_bodies | json_values

# What a hook may hand back: any JSON, and the shapes each result checker knows, holding anything.
hook_results = (
    json_values
    | st.fixed_dictionaries({"query": json_values})
    | st.fixed_dictionaries(
        {"memberships": json_values | st.lists(st.text(max_size=5))}, optional={"createMemberships": json_values}
    )
    | st.fixed_dictionaries(
        {
            "customDomain": st.text(max_size=300)
            | st.from_regex(r"[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63}){1,3}", fullmatch=True)
        }
    )
    | st.fixed_dictionaries({"useCanonicalDomain": json_values})
)

# Pieces of hostile searches: operators, brackets, quotes, escapes, fields, wildcards, ranges, regexes.
SEARCH_TOKENS = [
    "*", "?", ")", "(", " OR ", " AND ", "NOT ", "-", "+", '"', "\\", ":", "[", "]", "{", "}", " TO ", "/", "~", "^",
    "name", "email", "app_metadata.department", "_exists_", "user_id", "blocked", "Finance", "HR", "kel", "Kelly",
    "true", " ", "||", "&&", "!",
]  # fmt: skip
hostile_searches = st.lists(st.sampled_from(SEARCH_TOKENS), max_size=14).map("".join)
