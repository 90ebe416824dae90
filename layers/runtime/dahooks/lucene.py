"""Lucene text for the filter hook, and a user's search limited by it, without letting input change their meaning.

The original sample concatenated the department into `app_metadata.department:"<department>"`,
and the dashboard concatenated a user's search as `(search) AND filter`. A quote in a department
name, or a search such as `*) OR (name:*` (or a `/regex/` or `[range]` whose brackets hid a
parenthesis), could then widen the query to every user. Here values are quoted (`field_equals`),
and a search is never pasted: `restrict` parses it and the filter into trees (`dahooks.search`),
joins them with AND and writes the result back as text, so the filter holds by construction.
"""

from __future__ import annotations


def phrase(value: str) -> str:
    """`value` as a quoted Lucene phrase: only `"` and `\\` are special inside quotes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def field_equals(field: str, value: str) -> str:
    """`field:"value"`, safe for any value."""
    return f"{field}:{phrase(value)}"


def restrict(search: str | None, filter_query: str | None) -> str | None:
    """The user's `search` limited by the filter hook's query, as Lucene text (None: everyone).

    Raises `InvalidSearchError` (400) for a search the parser refuses — one that does not parse,
    a regular expression, a fuzzy search, a range without a field... — and `HookFailedError` (500)
    for a filter that does not parse. With no filter (IT) the search alone, still parsed.
    """
    # Imported here: a hook that only quotes values (the filter sample) never loads the search package.
    from .search import EVERYONE, to_lucene
    from .search import restrict as restrict_tree

    query = restrict_tree(search, filter_query)
    return None if query == EVERYONE else to_lucene(query)
