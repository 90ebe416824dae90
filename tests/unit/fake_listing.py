"""An in-memory directory listing with Cognito's paging rules, for the pager's unit tests.

Like Cognito (and moto), a pagination token names the first row of the next chunk, so rows that
disappear before it do not shift it, and a token whose row is gone is refused. Limit above 60 is
an error, as in Cognito. Department listings read explicit group memberships (by default derived
from each user's `app_metadata.department`, but a test may make them disagree). Attribute filters
compare case-sensitively, or ignoring case when `filters_ignore_case` (Cognito's documentation
says both, for different attributes), so a plan is tested against either reading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dahooks.exceptions import InvalidRequestError
from dahooks.search import AttributeListing, Chunk, DepartmentListing, FullListing, Source
from dahooks.search.matching import values_of

if TYPE_CHECKING:
    from collections.abc import Iterable

COGNITO_MAX_LIMIT = 60


def make_user(user_id: str, department: str | None, **fields: Any) -> dict[str, Any]:
    user: dict[str, Any] = {
        "user_id": user_id,
        "username": user_id,
        "email": f"{user_id}@example.com",
        "name": fields.pop("name", user_id.replace("-", " ").title()),
        "blocked": False,
        "app_metadata": {"department": department} if department else {},
        "user_metadata": {},
    }
    user.update(fields)
    return user


class FakeListing:
    def __init__(self, users: Iterable[dict[str, Any]], filters_ignore_case: bool = False) -> None:
        self.users = list(users)
        self.filters_ignore_case = filters_ignore_case
        self.groups: dict[str, list[str]] = {}
        for user in self.users:
            department = user["app_metadata"].get("department")
            if department:
                self.groups.setdefault(department, []).append(user["user_id"])
        self.calls: list[tuple[Source, str | None, int]] = []

    def delete(self, user_id: str) -> None:
        self.users = [user for user in self.users if user["user_id"] != user_id]
        for members in self.groups.values():
            if user_id in members:
                members.remove(user_id)

    def list_chunk(self, source: Source, token: str | None, limit: int) -> Chunk:
        if not 1 <= limit <= COGNITO_MAX_LIMIT:
            raise AssertionError(f"Limit {limit} is outside Cognito's 1..60")
        self.calls.append((source, token, limit))
        rows = self._select(source)
        start = 0
        if token is not None:
            ids = [row["user_id"] for row in rows]
            if token not in ids:
                raise InvalidRequestError("cursor", "the directory no longer accepts it")
            start = ids.index(token)
        end = start + limit
        next_token = rows[end]["user_id"] if end < len(rows) else None
        return Chunk([dict(row) for row in rows[start:end]], next_token)

    def _select(self, source: Source) -> list[dict[str, Any]]:
        if isinstance(source, DepartmentListing):
            members = set(self.groups.get(source.department, []))
            return [user for user in self.users if user["user_id"] in members]
        if isinstance(source, AttributeListing):
            return [user for user in self.users if self._filter_matches(source, user)]
        assert isinstance(source, FullListing)
        return list(self.users)

    def _filter_matches(self, source: AttributeListing, user: dict[str, Any]) -> bool:
        value = source.value
        candidates = values_of(user, source.field)
        if self.filters_ignore_case:
            value, candidates = value.lower(), [candidate.lower() for candidate in candidates]
        if source.operator == "=":
            return value in candidates
        return any(candidate.startswith(value) for candidate in candidates)
