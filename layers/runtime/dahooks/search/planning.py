"""Which directory listing a search reads: the narrowest one that still holds every user it selects.

A directory can list users three ways, narrowest first:
- `DepartmentListing`: its own index of one department (for Cognito, the department's group);
- `AttributeListing`: users whose searchable attribute equals (`=`) or starts with (`^=`) a value;
- `FullListing`: every user.
The planner looks at the parts a user must all match (the top-level AND) and picks the one it can
hand to the directory; the whole query is still evaluated in code on every listed row, so a
listing only has to be *at least as broad* as the part it stands for. A part is handed over only
when that is certain:

- `app_metadata.department:"Finance"` (exact, compared case-sensitively in code) → the Finance
  index, which holds every user whose department is Finance; `dept:"A" OR dept:"B"` → both indexes
  in turn (a row listed by an earlier one is skipped later, so nobody appears twice).
- `field:"v"` / `field:v*` on a searchable attribute → `=` / `^=`, when the value is plain text
  (no quote or backslash, which directory filters escape inconsistently; printable; short enough)
  and either the field compares case-sensitively in code (the directory's match can only be the
  same or broader) or the value holds nothing but ASCII digits, punctuation and spaces (no
  character anywhere case-folds into those, so ignoring case cannot add matches the directory
  would miss). `name:Kel*` is therefore evaluated in code: Cognito may compare names by case.
- `blocked:true` / `blocked:false` → the directory's enabled flag, which means exactly that.
Anything else (wildcards inside values, ranges, NOT, OR across fields, fields the directory cannot
search) is read from the narrowest listing chosen from the other parts, or from every user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

from .query import EVERYONE, Or, Pattern, Query, Term, Wildcard, conjuncts

if TYPE_CHECKING:
    from collections.abc import Callable

    from .matching import SearchSemantics

FLAG_VALUES = ("true", "false")
DEPARTMENT_FIELD = "app_metadata.department"


@dataclass(frozen=True)
class DepartmentListing:
    """The directory's own index of one department."""

    department: str


@dataclass(frozen=True)
class AttributeListing:
    """Users whose `field` equals (`=`) or starts with (`^=`) `value`, as the directory compares."""

    field: str
    operator: Literal["=", "^="]
    value: str


@dataclass(frozen=True)
class FullListing:
    """Every user of the directory."""


Source: TypeAlias = DepartmentListing | AttributeListing | FullListing


def _every_department(_: str) -> bool:
    return True


@dataclass(frozen=True)
class PushdownRules:
    """What a directory can select by itself; the adapter states its own (see the Cognito adapter)."""

    department_field: str | None = DEPARTMENT_FIELD
    attribute_fields: frozenset[str] = frozenset()
    flag_fields: frozenset[str] = frozenset()
    max_value_length: int = 200
    max_departments: int = 10
    indexes_department: Callable[[str], bool] = field(default=_every_department, compare=False)


@dataclass(frozen=True)
class Plan:
    """The listings to read, in order, and the query every listed row must match."""

    query: Query
    sources: tuple[Source, ...]
    exact: bool  # the listings hold only users the query selects, so a page needs no extra rows
    department_field: str = ""

    def source_query(self, source: Source) -> Query:
        """What a listing stands for, as a query (to skip rows an earlier listing already gave)."""
        if isinstance(source, DepartmentListing):
            return Term(self.department_field, Pattern.literal(source.department))
        if isinstance(source, AttributeListing):
            parts = Pattern.literal(source.value).parts
            return Term(source.field, Pattern(parts if source.operator == "=" else (*parts, Wildcard.ANY)))
        return EVERYONE


def plan(query: Query, semantics: SearchSemantics, rules: PushdownRules) -> Plan:
    """The narrowest safe plan for `query` (see the module's docstring for what is safe)."""
    parts = conjuncts(query)
    department_field = rules.department_field or ""
    for part in parts:
        departments = _departments(part, semantics, rules)
        if departments:
            sources = tuple(DepartmentListing(name) for name in departments)
            return Plan(query, sources, exact=len(parts) == 1, department_field=department_field)
    candidates = [listing for listing in (_attribute(part, semantics, rules) for part in parts) if listing]
    if candidates:
        best = min(candidates, key=lambda listing: listing.operator != "=")  # exact before prefix
        exact = len(parts) == 1 and (best.field in rules.flag_fields or semantics.is_case_sensitive(best.field))
        return Plan(query, (best,), exact=exact, department_field=department_field)
    return Plan(query, (FullListing(),), exact=query == EVERYONE, department_field=department_field)


def _departments(part: Query, semantics: SearchSemantics, rules: PushdownRules) -> list[str]:
    """The department names `part` is a union of exact department terms for, else []."""
    department_field = rules.department_field
    if department_field is None or not semantics.is_case_sensitive(department_field):
        return []
    terms = part.parts if isinstance(part, Or) else (part,)
    names: list[str] = []
    for term in terms:
        if not isinstance(term, Term) or term.field != department_field:
            return []
        name = term.pattern.text
        if not name or not rules.indexes_department(name):
            return []
        if name not in names:
            names.append(name)
    return names if len(names) <= rules.max_departments else []


def _attribute(part: Query, semantics: SearchSemantics, rules: PushdownRules) -> AttributeListing | None:
    if not isinstance(part, Term) or part.field is None:
        return None
    field_name, pattern = part.field, part.pattern
    if field_name in rules.flag_fields:
        flag = (pattern.text or "").casefold()
        return AttributeListing(field_name, "=", flag) if flag in FLAG_VALUES else None
    if field_name not in rules.attribute_fields:
        return None
    exact = pattern.text
    value = exact if exact is not None else pattern.prefix
    if not value or not _plain(value, rules) or not (semantics.is_case_sensitive(field_name) or _caseless(value)):
        return None
    return AttributeListing(field_name, "=" if exact is not None else "^=", value)


def _plain(value: str, rules: PushdownRules) -> bool:
    return len(value) <= rules.max_value_length and value.isprintable() and '"' not in value and "\\" not in value


def _caseless(value: str) -> bool:
    return all(ord(char) < 128 and not char.isalpha() for char in value)
