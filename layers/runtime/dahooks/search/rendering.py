"""A `Query` written back as Lucene text, for a directory that takes a query string (Auth0's `q`).

The text is made from the tree alone: every value is quoted or escaped, every group is
parenthesised, and field names are the plain dotted paths the parser accepted. So the text reads
back (`parse(to_lucene(query)) == query`) as exactly the tree it came from: nothing a user typed
can regroup it, whatever it held.
"""

from __future__ import annotations

import re

from ..lucene import phrase
from .query import And, Exists, Not, Or, Pattern, Query, Range, Term, Wildcard

# A word Lucene reads as itself: no operator, bracket, quote, escape, wildcard, colon or space.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_.@]+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})
# Lucene's special characters (and whitespace) are escaped one by one inside a wildcard word.
_SPECIAL = re.compile(r'[\s+\-&|!(){}\[\]^"~*?:\\/<>=]')


def to_lucene(query: Query) -> str:
    """`query` as Lucene text; `*` for everyone, `(NOT *)` for no one."""
    if isinstance(query, Term):
        value = _pattern(query.pattern)
        return value if query.field is None else f"{query.field}:{value}"
    if isinstance(query, Exists):
        return f"_exists_:{query.field}"
    if isinstance(query, Range):
        low = "*" if query.low is None else phrase(query.low)
        high = "*" if query.high is None else phrase(query.high)
        opening = "[" if query.include_low else "{"
        closing = "]" if query.include_high else "}"
        return f"{query.field}:{opening}{low} TO {high}{closing}"
    if isinstance(query, Not):
        return f"(NOT {to_lucene(query.part)})"
    if isinstance(query, And):
        return f"({' AND '.join(to_lucene(part) for part in query.parts)})" if query.parts else "*"
    if isinstance(query, Or):
        return f"({' OR '.join(to_lucene(part) for part in query.parts)})" if query.parts else "(NOT *)"
    raise TypeError(f"not a query: {query!r}")


def _pattern(pattern: Pattern) -> str:
    text = pattern.text
    if text is not None:  # no wildcard: a plain word as it is, anything else quoted
        return text if _PLAIN_WORD.fullmatch(text) and text not in _OPERATORS else phrase(text)
    word = "".join(part.value if isinstance(part, Wildcard) else _escaped(part) for part in pattern.parts)
    # A word that starts like an operator (`OR*`) is escaped, as its letters are otherwise literal.
    return "\\" + word if word[:3].rstrip("*?") in _OPERATORS else word


def _escaped(literal: str) -> str:
    return _SPECIAL.sub(lambda match: "\\" + match.group(), literal)
