"""Searching the user directory without ever escaping the filter hook's query.

- `parsing`: Lucene text → `Query` (luqum); `restrict(search, filter)` joins the two as trees.
- `matching`: the meaning of a `Query` over one Auth0-shaped user, evaluated in code.
- `planning`: the narrowest directory listing that still holds every user the query selects.
- `paging`: reads a plan a bounded number of calls at a time, checks every row in code, and
  hands out a signed cursor (`cursor`) for the next page.
- `rendering`: a `Query` written back as Lucene text, for a directory that takes a query string.
"""

from .cursor import CursorCodec, Position
from .matching import SearchSemantics
from .paging import DEFAULT_PER_PAGE, MAX_CHUNK, MAX_PER_PAGE, Chunk, Listing, Pager, UserPage
from .parsing import parse, parse_filter, restrict
from .planning import AttributeListing, DepartmentListing, FullListing, Plan, PushdownRules, Source, plan
from .query import EVERYONE, NOBODY, And, Exists, Not, Or, Pattern, Query, Range, Term, Wildcard, all_of, any_of
from .rendering import to_lucene

__all__ = [
    "DEFAULT_PER_PAGE",
    "EVERYONE",
    "MAX_CHUNK",
    "MAX_PER_PAGE",
    "NOBODY",
    "And",
    "AttributeListing",
    "Chunk",
    "CursorCodec",
    "DepartmentListing",
    "Exists",
    "FullListing",
    "Listing",
    "Not",
    "Or",
    "Pager",
    "Pattern",
    "Plan",
    "Position",
    "PushdownRules",
    "Query",
    "Range",
    "SearchSemantics",
    "Source",
    "Term",
    "UserPage",
    "Wildcard",
    "all_of",
    "any_of",
    "parse",
    "parse_filter",
    "plan",
    "restrict",
    "to_lucene",
]
