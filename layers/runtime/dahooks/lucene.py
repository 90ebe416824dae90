"""Building Lucene queries for the filter hook without letting input change their meaning.

The original sample concatenated the department into `app_metadata.department:"<department>"`,
and the dashboard concatenated a user's search as `(search) AND filter`. A quote in a department
name, or a search such as `*) OR (name:*`, could then widen the query to every user.
"""

from __future__ import annotations


class UnsafeSearchError(ValueError):
    """A search whose parentheses or quotes do not balance, so it could escape the filter."""


def phrase(value: str) -> str:
    """`value` as a quoted Lucene phrase: only `"` and `\\` are special inside quotes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def field_equals(field: str, value: str) -> str:
    """`field:"value"`, safe for any value."""
    return f"{field}:{phrase(value)}"


def check_balanced(search: str) -> None:
    """Raise `UnsafeSearchError` unless every group and phrase in `search` is closed.

    Backslash escapes and quoted phrases are honoured, so `name:"a)"` and `a\\)` are balanced.
    """
    depth = 0
    in_phrase = False
    escaped = False
    for char in search:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            in_phrase = not in_phrase
        elif in_phrase:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise UnsafeSearchError("the search closes a parenthesis it did not open")
    if in_phrase or escaped:
        raise UnsafeSearchError("the search ends inside a quoted phrase or an escape")
    if depth:
        raise UnsafeSearchError("the search leaves a parenthesis open")


def restrict(search: str | None, filter_query: str | None) -> str | None:
    """The user's `search` limited by the filter hook's query: `(search) AND (filter)`.

    Refuses a search that could close the group it is wrapped in. With no filter (IT), the search
    is returned as it is; with no search, the filter alone.
    """
    search = (search or "").strip()
    if search:
        check_balanced(search)
    if not filter_query:
        return search or None
    if not search:
        return filter_query
    return f"({search}) AND ({filter_query})"
