"""A search as a small tree of our own: what the parser produces, the evaluator runs and the planner reads.

Lucene's syntax is only the way in. Once parsed, a search is one of these frozen values, so a
user's search and the filter hook's query are combined by building a node (`all_of`), never by
pasting text, and no later step can re-read the text with a different meaning.

The empty conjunction `EVERYONE` matches every user; the empty disjunction `NOBODY` matches none.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from typing import TypeAlias


class Wildcard(enum.Enum):
    """A wildcard inside a pattern: `*` (any run of characters, even none) or `?` (exactly one)."""

    ANY = "*"
    ONE = "?"


@dataclass(frozen=True)
class Pattern:
    """A value to match: literal text and wildcards, in order. `"a*"` is `("a", ANY)`."""

    parts: tuple[str | Wildcard, ...]

    @classmethod
    def literal(cls, text: str) -> Pattern:
        return cls((text,) if text else ())

    @property
    def text(self) -> str | None:
        """The whole pattern when it has no wildcard, else None."""
        if all(isinstance(part, str) for part in self.parts):
            return "".join(part for part in self.parts if isinstance(part, str))
        return None

    @property
    def prefix(self) -> str | None:
        """For `literal*` (one trailing `*`, nothing else wild, literal not empty): the literal; else None."""
        if len(self.parts) < 2 or self.parts[-1] is not Wildcard.ANY:
            return None
        head = Pattern(self.parts[:-1]).text
        return head or None

    @property
    def matches_anything(self) -> bool:
        """True for `*` alone (which Lucene reads as "has a value" when a field is named)."""
        return self.parts == (Wildcard.ANY,)


@dataclass(frozen=True)
class Term:
    """`field:pattern`; a None field means the default fields (name, e-mail, username, ...)."""

    field: str | None
    pattern: Pattern


@dataclass(frozen=True)
class Range:
    """`field:[low TO high]` (or `{...}` for exclusive bounds, `>x`, `<=x`); None is an open end."""

    field: str
    low: str | None
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Exists:
    """`_exists_:field` or `field:*`: the field has a non-empty value."""

    field: str


@dataclass(frozen=True)
class And:
    parts: tuple[Query, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Query, ...]


@dataclass(frozen=True)
class Not:
    part: Query


Query: TypeAlias = Term | Range | Exists | And | Or | Not

EVERYONE: Query = And(())
NOBODY: Query = Or(())


def all_of(*queries: Query) -> Query:
    """The conjunction of `queries`, flattened (`EVERYONE` parts vanish, nested ANDs merge)."""
    parts: list[Query] = []
    for query in queries:
        parts.extend(query.parts if isinstance(query, And) else (query,))
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def any_of(*queries: Query) -> Query:
    """The disjunction of `queries`, flattened like `all_of`."""
    parts: list[Query] = []
    for query in queries:
        parts.extend(query.parts if isinstance(query, Or) else (query,))
    return parts[0] if len(parts) == 1 else Or(tuple(parts))


def conjuncts(query: Query) -> tuple[Query, ...]:
    """The parts a row must all match: the AND's parts, or the query itself."""
    return query.parts if isinstance(query, And) else (query,)


def digest(value: object) -> str:
    """A short stable fingerprint of a query or a plan (frozen dataclasses: their repr), to bind a cursor to it."""
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]
