"""`dahooks.users.settable_metadata`: the metadata the settings' userFields let a dashboard user set,
over generated payloads and fields, against the rule as the docstring states it."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from dahooks.users import settable_metadata

# Few names, so that fields, paths and payloads meet: the same key at several depths, an empty key.
NAMES = st.sampled_from(["a", "b", ""])
NODES = st.recursive(
    st.integers(0, 9) | st.none(), lambda inner: st.dictionaries(NAMES, inner, max_size=3), max_leaves=5
)
METADATA = st.dictionaries(NAMES, NODES, max_size=3)
PAYLOADS = st.one_of(
    st.fixed_dictionaries({"app_metadata": METADATA, "user_metadata": METADATA}),
    st.fixed_dictionaries({}, optional={"app_metadata": NODES, "email": st.just("new.hire@example.com")}),
)
CONTAINERS = st.sampled_from(["app_metadata", "user_metadata", "email", "app"])
MARKS = st.sampled_from([True, True, True, False, {"type": "text"}, None])


def paths_in(node: Any, prefix: str) -> list[str]:
    """`prefix` (the container alone), then every path to a value under `node`."""
    paths = [prefix]
    if isinstance(node, dict):
        for name, value in node.items():
            paths += paths_in(value, f"{prefix}.{name}")
    return paths


@st.composite
def requests(draw: st.DrawFn) -> tuple[dict[str, Any], list[Any]]:
    """A payload, and fields naming mostly its own paths (or a path beside them, or no property)."""
    payload = draw(PAYLOADS)
    known = [path for name in ("app_metadata", "user_metadata") for path in paths_in(payload.get(name), name)]
    other = st.tuples(CONTAINERS, st.lists(NAMES, max_size=3)).map(lambda parts: ".".join([parts[0], *parts[1]]))
    properties = st.one_of(*[st.sampled_from(known)] * 3, other)
    fields = st.one_of(
        *[st.fixed_dictionaries({"property": properties, "create": MARKS, "edit": MARKS})] * 3,
        st.fixed_dictionaries({"property": properties, "create": MARKS}),
        st.fixed_dictionaries({"property": st.integers(), "create": st.just(True)}),  # not a property name
        st.just("not a field"),
    )
    return payload, draw(st.lists(fields, min_size=1, max_size=4))


def by_the_rule(payload: dict[str, Any], user_fields: list[Any], method: str | None) -> dict[str, Any]:
    """Each field marked for the method (`create` on create, `edit` otherwise) whose property is
    `<app_metadata|user_metadata>.<path>` keeps the payload's value at that path, if it has one, at
    the same path of the result, later fields over earlier ones."""
    mark = "create" if method == "create" else "edit"
    result: dict[str, Any] = {}
    for field in user_fields:
        if not isinstance(field, dict) or not field.get(mark) or not isinstance(field.get("property"), str):
            continue
        container, *path = field["property"].split(".")
        if container not in ("app_metadata", "user_metadata") or not path:
            continue
        found, value = True, payload.get(container)
        for name in path:
            found = found and isinstance(value, dict) and name in value
            value = value[name] if found else None
        if not found:
            continue
        parent = result.setdefault(container, {})
        for name in path[:-1]:
            parent[name] = parent[name] if isinstance(parent.get(name), dict) else {}
            parent = parent[name]
        parent[path[-1]] = value
    return result


@given(request=requests(), method=st.sampled_from(["create", "update", None]))
@example(  # two fields of one container: both kept
    request=(
        {"app_metadata": {"a": 1, "b": {"a": 2}}},
        [{"property": f"app_metadata.{name}", "create": True} for name in "ab"],
    ),
    method="create",
)
def test_the_metadata_kept_is_what_the_rule_keeps(
    request: tuple[dict[str, Any], list[Any]], method: str | None
) -> None:
    payload, user_fields = request
    assert settable_metadata(payload, user_fields, method) == by_the_rule(payload, user_fields, method)
