"""Evaluating a `Query` in code over one Auth0-shaped user: the meaning every plan must agree with.

A field is a dotted path into the user (`email`, `app_metadata.department`); a list matches when
any of its items does; booleans read as `true`/`false`, numbers as their text; a missing field,
null, an object or an empty string has no value. A term matches the field's whole value (not a
word inside it): `name:"Kelly Smith"` or `name:kel*`. Identifier-like fields (user_id, username,
email, phone_number, app_metadata.department) match exactly as written; the others ignore case.
A term without a field matches when any of the default fields does. Ranges compare numbers as
numbers and anything else as text.

Wildcards are matched by a two-pointer scan, linear in the value per `*` it backtracks to, so a
pattern such as `*a*a*a*a*b` cannot make a search run away the way a regular expression can.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .query import And, Exists, Not, Or, Pattern, Query, Range, Term, Wildcard

DEFAULT_FIELDS = ("user_id", "username", "email", "name", "given_name", "family_name", "nickname")
# Compared exactly: identifiers, and e-mails, which the directory stores in lower case (as Auth0 does).
CASE_SENSITIVE_FIELDS = frozenset({"user_id", "username", "email", "phone_number", "app_metadata.department"})


@dataclass(frozen=True)
class SearchSemantics:
    """Which fields a bare term searches, and which fields compare case-sensitively."""

    default_fields: tuple[str, ...] = DEFAULT_FIELDS
    case_sensitive_fields: frozenset[str] = CASE_SENSITIVE_FIELDS

    def is_case_sensitive(self, field: str) -> bool:
        return field in self.case_sensitive_fields

    def matches(self, query: Query, user: Mapping[str, Any]) -> bool:
        """True when `user` is one of the users `query` selects."""
        if isinstance(query, And):
            return all(self.matches(part, user) for part in query.parts)
        if isinstance(query, Or):
            return any(self.matches(part, user) for part in query.parts)
        if isinstance(query, Not):
            return not self.matches(query.part, user)
        if isinstance(query, Exists):
            return any(values_of(user, query.field))
        if isinstance(query, Range):
            return any(_in_range(value, query) for value in values_of(user, query.field))
        fields = self.default_fields if query.field is None else (query.field,)
        return any(self._term_matches(query, field, user) for field in fields)

    def _term_matches(self, term: Term, field: str, user: Mapping[str, Any]) -> bool:
        fold = not self.is_case_sensitive(field)
        pattern = _folded(term.pattern) if fold else term.pattern
        return any(glob_match(pattern, value.casefold() if fold else value) for value in values_of(user, field))


def values_of(user: Mapping[str, Any], field: str) -> list[str]:
    """The non-empty text values at dotted path `field` of `user` (several when it leads to a list)."""
    node: Any = user
    for key in field.split("."):
        if not isinstance(node, Mapping):
            return []
        node = node.get(key)
    items: Iterable[Any] = node if isinstance(node, list) else (node,)
    return [text for text in (_text(item) for item in items) if text]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return ""


def _folded(pattern: Pattern) -> Pattern:
    return Pattern(tuple(part.casefold() if isinstance(part, str) else part for part in pattern.parts))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _in_range(value: str, query: Range) -> bool:
    bounds = [bound for bound in (query.low, query.high) if bound is not None]
    numeric = _number(value) is not None and all(_number(bound) is not None for bound in bounds)

    def key(text: str) -> Any:
        return _number(text) if numeric else text

    subject = key(value)
    if query.low is not None:
        low = key(query.low)
        if subject < low or (subject == low and not query.include_low):
            return False
    if query.high is not None:
        high = key(query.high)
        if subject > high or (subject == high and not query.include_high):
            return False
    return True


def glob_match(pattern: Pattern, text: str) -> bool:
    """True when `pattern` (literals, `*`, `?`) matches the whole of `text`."""
    tokens: Sequence[str | Wildcard] = [
        token for part in pattern.parts for token in (part if isinstance(part, str) else (part,))
    ]
    t = p = 0
    star_p, star_t = -1, 0
    while t < len(text):
        token = tokens[p] if p < len(tokens) else None
        if token is Wildcard.ANY:
            star_p, star_t = p, t
            p += 1
        elif token is Wildcard.ONE or (isinstance(token, str) and token == text[t]):
            p += 1
            t += 1
        elif star_p >= 0:  # give the last `*` one more character and retry from there
            star_t += 1
            p, t = star_p + 1, star_t
        else:
            return False
    return all(token is Wildcard.ANY for token in tokens[p:])
