"""Reading a plan page by page: a bounded number of directory calls, every row checked in code.

Each call asks the directory for one chunk (at most `MAX_CHUNK` rows, Cognito's limit) of the
current listing. Every row is evaluated against the whole query (also when the listing already
selected on part of it: defence in depth), and a row an earlier listing of the plan already
covered is skipped, so a union of departments lists nobody twice. The page ends when it is full,
when the plan is exhausted, or when `max_calls` calls were made: then it is a partial page with a
cursor, rather than a request that runs until its timeout.

Where a page fills in the middle of a chunk, the cursor names that chunk (its token and the Limit
it was read with) and how many of its rows were consumed; the next request reads the same chunk
again and resumes after the last consumed row, found by its fingerprint even if rows before it
appeared or went away in between. On an unchanged directory every permitted user is listed
exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..exceptions import InvalidRequestError
from .cursor import START, CursorCodec, Position
from .matching import SearchSemantics
from .planning import Plan, PushdownRules, Source, plan
from .query import Query, digest

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

MAX_CHUNK = 60  # Cognito's Limit for ListUsers and ListUsersInGroup
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
DEFAULT_MAX_CALLS = 8

User = dict[str, Any]


@dataclass(frozen=True)
class Chunk:
    """One directory call's rows (Auth0-shaped users) and its token for the next chunk, if any."""

    rows: Sequence[User]
    next_token: str | None


class Listing(Protocol):
    """What a directory offers the pager: one chunk of one listing per call."""

    def list_chunk(self, source: Source, token: str | None, limit: int) -> Chunk: ...


@dataclass
class UserPage:
    """A page of users, the cursor of the next page (None at the end), and what it cost."""

    users: list[User]
    next: str | None
    calls: int = 0
    scanned: int = 0
    sources: tuple[Source, ...] = field(default_factory=tuple)


class Pager:
    """Plans a query, reads it a page at a time, and signs the cursor of the next page."""

    def __init__(
        self,
        listing: Listing,
        codec: CursorCodec,
        rules: PushdownRules,
        semantics: SearchSemantics | None = None,
        max_calls: int = DEFAULT_MAX_CALLS,
    ) -> None:
        if max_calls < 1:
            raise ValueError("max_calls must be at least 1")
        self.listing = listing
        self.codec = codec
        self.rules = rules
        self.semantics = semantics or SearchSemantics()
        self.max_calls = max_calls

    def plan(self, query: Query) -> Plan:
        return plan(query, self.semantics, self.rules)

    def page(self, query: Query, per_page: int = DEFAULT_PER_PAGE, cursor: str | None = None) -> UserPage:
        """The users of `query` from `cursor` on (the start when None): at most `per_page` of them."""
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise InvalidRequestError("per_page", f"must be between 1 and {MAX_PER_PAGE}")
        chosen = self.plan(query)
        binding = digest(chosen)
        start = self.codec.decode(cursor, binding) if cursor else START
        if start.source >= len(chosen.sources):
            raise InvalidRequestError("cursor", "this cursor belongs to another search; start the listing again")
        reader = _PageReader(self, chosen, per_page)
        following = reader.read(start)
        return UserPage(
            users=reader.users,
            next=self.codec.encode(following, binding) if following else None,
            calls=reader.calls,
            scanned=reader.scanned,
            sources=chosen.sources,
        )


class _PageReader:
    """One page's walk through the plan."""

    def __init__(self, pager: Pager, chosen: Plan, per_page: int) -> None:
        self.listing = pager.listing
        self.matches = pager.semantics.matches
        self.fingerprint: Callable[[str], str] = pager.codec.fingerprint
        self.max_calls = pager.max_calls
        self.plan = chosen
        self.per_page = per_page
        self.users: list[User] = []
        self.calls = 0
        self.scanned = 0

    def read(self, position: Position) -> Position | None:
        """Fill `users` from `position`; returns where the next page starts (None: nothing left)."""
        current: Position | None = position
        while current is not None and len(self.users) < self.per_page and self.calls < self.max_calls:
            limit = current.limit or self._limit()
            chunk = self.listing.list_chunk(self.plan.sources[current.source], current.token, limit)
            self.calls += 1
            rows = chunk.rows
            for index in range(self._resume_index(rows, current), len(rows)):
                self.scanned += 1
                if self._wanted(rows[index], current.source):
                    self.users.append(rows[index])
                    if len(self.users) == self.per_page and index + 1 < len(rows):
                        anchor = self.fingerprint(str(rows[index].get("user_id")))
                        return Position(current.source, current.token, limit, index + 1, anchor)
            current = self._after(current.source, chunk.next_token)
        return current

    def _limit(self) -> int:
        """Rows to ask for: just the page's remainder when the listing is exact, else a full chunk."""
        return min(MAX_CHUNK, self.per_page - len(self.users)) if self.plan.exact else MAX_CHUNK

    def _wanted(self, row: User, source: int) -> bool:
        earlier = self.plan.sources[:source]
        if any(self.matches(self.plan.source_query(other), row) for other in earlier):
            return False
        return self.matches(self.plan.query, row)

    def _resume_index(self, rows: Sequence[User], position: Position) -> int:
        """The first row not yet consumed: after the anchor row wherever it now is."""
        if not position.skip:
            return 0
        for index, row in enumerate(rows):
            if self.fingerprint(str(row.get("user_id"))) == position.anchor:
                return index + 1
        # The anchor row itself went away: the rows after it moved up by one.
        return min(position.skip - 1, len(rows))

    def _after(self, source: int, next_token: str | None) -> Position | None:
        if next_token:
            return Position(source, next_token)
        if source + 1 < len(self.plan.sources):
            return Position(source + 1)
        return None
