"""From Lucene text to a `Query`, with luqum (a maintained Lucene parser) doing the parsing.

Whatever does not parse is refused, never repaired: `*) OR (name:*` is a syntax error on its own,
and since the user's search and the filter hook's query are parsed separately and joined as
trees (`restrict`), no text in the search can reach outside it.

What we accept, and how it reads:
- `field:value`, `field:"a phrase"`, wildcards `*` and `?` in words, `field:(a OR b)`;
- `AND`, `OR`, `NOT`, `+a` (required), `-a` (excluded); two terms side by side mean AND
  (a search box narrows as one types more, and narrower is the safe reading);
- ranges `field:[a TO b]`, `{a TO b}`, `field:>a`, `field:<=b`, with `*` for an open end;
- `_exists_:field` and `field:*` (the field has a value); `*` alone (everyone); boosts are ignored.
Refused with `InvalidSearchError`: regular expressions (`/.../`: a regex engine is a denial of
service waiting for its pattern), fuzzy and proximity searches (`~`), a field inside another
field's group, a field name that is not a plain dotted path, and searches over the size limits.

luqum is imported on first use: only the users API parses searches, and no hook's cold start
should pay for building the parser's tables.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import warnings
from typing import TYPE_CHECKING, Any

from ..exceptions import HookFailedError, InvalidSearchError
from .query import EVERYONE, Exists, Not, Pattern, Query, Range, Term, Wildcard, all_of, any_of

if TYPE_CHECKING:
    from types import ModuleType

MAX_SEARCH_LENGTH = 1000
MAX_TERMS = 64
MAX_DEPTH = 32

EXISTS_FIELD = "_exists_"
_FIELD_NAME = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")

_parser_lock = threading.Lock()  # PLY keeps its parse state on the shared parser object
_luqum: tuple[ModuleType, ModuleType, type[Exception]] | None = None


def _load_luqum() -> tuple[ModuleType, ModuleType, type[Exception]]:
    global _luqum
    if _luqum is None:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            # On a Python whose docstrings differ from the ones luqum's shipped tables were built
            # with (3.13 strips their indentation), PLY rebuilds the tables at import and leaves its
            # debug file unclosed: a ResourceWarning about PLY, not about anything we do. It also
            # prints its grammar's known conflicts to stderr, which in Lambda would be stray
            # non-JSON lines in the function's log: they are dropped.
            warnings.simplefilter("ignore", ResourceWarning)
            from luqum import parser, tree
            from luqum.exceptions import ParseError
        _luqum = (parser, tree, ParseError)
    return _luqum


def _parse_tree(text: str) -> Any:
    """luqum's tree for `text`; raises luqum's ParseError when it does not parse."""
    with _parser_lock:
        parser, _, _ = _load_luqum()
        return parser.parser.parse(text, lexer=parser.lexer)


def parse(text: str | None) -> Query:
    """The `Query` for Lucene `text` (None or blank: `EVERYONE`); raises `InvalidSearchError`."""
    text = (text or "").strip()
    if not text:
        return EVERYONE
    if len(text) > MAX_SEARCH_LENGTH:
        raise InvalidSearchError(f"The search is longer than {MAX_SEARCH_LENGTH} characters.")
    _, _, parse_error = _load_luqum()
    try:
        tree = _parse_tree(text)
    except parse_error as exc:
        raise InvalidSearchError(f"The search does not parse: {exc}") from exc
    return _Converter().convert(tree, None, 0)


def parse_filter(text: str | None) -> Query:
    """The filter hook's query as a `Query`; one that does not parse is the hook's bug (500 `HookFailed`)."""
    try:
        return parse(text)
    except InvalidSearchError as exc:
        raise HookFailedError(f"The filter hook returned a query the server cannot use. {exc}") from exc


def restrict(search: str | None, filter_query: str | None) -> Query:
    """The user's `search` limited by the filter hook's query: both parsed, joined by AND as trees."""
    return all_of(parse(search), parse_filter(filter_query))


def word_pattern(raw: str) -> Pattern:
    """A Lucene word as a pattern: `*` and `?` are wildcards, a backslash makes the next character literal."""
    parts: list[str | Wildcard] = []
    literal: list[str] = []
    chars = iter(raw)
    for char in chars:
        if char in "*?":
            if literal:
                parts.append("".join(literal))
                literal = []
            wildcard = Wildcard.ANY if char == "*" else Wildcard.ONE
            if not (wildcard is Wildcard.ANY and parts and parts[-1] is Wildcard.ANY):
                parts.append(wildcard)
        else:
            literal.append(next(chars, "") if char == "\\" else char)
    if literal:
        parts.append("".join(literal))
    return Pattern(tuple(parts))


def phrase_text(raw: str) -> str:
    """The text of a quoted Lucene phrase: the quotes removed, backslash escapes resolved."""
    return re.sub(r"\\(.)", r"\1", raw[1:-1], flags=re.DOTALL)


class _Converter:
    """Walks luqum's tree once, counting terms, so a huge search is refused rather than evaluated."""

    def __init__(self) -> None:
        _, self.tree, _ = _load_luqum()
        self.terms = 0

    def convert(self, node: Any, field: str | None, depth: int) -> Query:
        if depth > MAX_DEPTH:
            raise InvalidSearchError(f"The search nests deeper than {MAX_DEPTH} levels.")
        tree = self.tree
        if isinstance(node, tree.SearchField):
            return self._field(node, field, depth)
        if isinstance(node, (tree.Group, tree.FieldGroup, tree.Plus)):
            return self.convert(node.children[0], field, depth + 1)
        if isinstance(node, tree.Boost):
            return self.convert(node.expr, field, depth + 1)
        if isinstance(node, (tree.AndOperation, tree.UnknownOperation)):
            return all_of(*(self.convert(child, field, depth + 1) for child in node.children))
        if isinstance(node, tree.OrOperation):
            return any_of(*(self.convert(child, field, depth + 1) for child in node.children))
        if isinstance(node, (tree.Not, tree.Prohibit)):
            return Not(self.convert(node.a, field, depth + 1))
        return self._leaf(node, field)

    def _field(self, node: Any, outer: str | None, depth: int) -> Query:
        if outer is not None:
            raise InvalidSearchError(f"A field ({node.name}) inside another field's group ({outer}) is not supported.")
        name = _field_name(node.name)
        if name == EXISTS_FIELD:
            target = node.expr
            if not isinstance(target, self.tree.Word):
                raise InvalidSearchError("_exists_ takes a field name, as in _exists_:email.")
            self._count()
            return Exists(_field_name(target.value))
        return self.convert(node.expr, name, depth + 1)

    def _leaf(self, node: Any, field: str | None) -> Query:
        tree = self.tree
        self._count()
        if isinstance(node, tree.Word):
            pattern = word_pattern(node.value)
            if pattern.matches_anything:
                return EVERYONE if field is None else Exists(field)
            return Term(field, pattern)
        if isinstance(node, tree.Phrase):
            return Term(field, Pattern.literal(phrase_text(node.value)))
        if isinstance(node, (tree.Range, tree.From, tree.To)):
            return self._range(node, field)
        if isinstance(node, tree.Regex):
            raise InvalidSearchError("Regular expressions (/.../) are not supported; use * and ? wildcards.")
        if isinstance(node, (tree.Fuzzy, tree.Proximity)):
            raise InvalidSearchError("Fuzzy and proximity searches (~) are not supported.")
        raise InvalidSearchError(f"This part of the search is not supported: {node}")

    def _range(self, node: Any, field: str | None) -> Query:
        if field is None:
            raise InvalidSearchError(f"A range needs a field, as in created_at:{node}.")
        if isinstance(node, self.tree.Range):
            low, high = self._bound(node.low), self._bound(node.high)
            return Range(field, low, high, node.include_low, node.include_high)
        if isinstance(node, self.tree.From):
            return Range(field, self._bound(node.a), None, include_low=node.include)
        return Range(field, None, self._bound(node.a), include_high=node.include)

    def _bound(self, node: Any) -> str | None:
        tree = self.tree
        if isinstance(node, tree.Prohibit):  # `[-5 TO 5]`: luqum reads the minus as an operator
            inner = self._bound(node.a)
            return None if inner is None else "-" + inner
        if isinstance(node, tree.Phrase):
            return phrase_text(node.value)
        if isinstance(node, tree.Word):
            pattern = word_pattern(node.value)
            if pattern.matches_anything:
                return None
            if pattern.text is None:
                raise InvalidSearchError(f"A range bound cannot hold a wildcard: {node.value}")
            return pattern.text
        raise InvalidSearchError(f"This range bound is not supported: {node}")

    def _count(self) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise InvalidSearchError(f"The search has more than {MAX_TERMS} terms.")


def _field_name(name: str) -> str:
    if not _FIELD_NAME.fullmatch(name):
        raise InvalidSearchError(f"Not a field name: {name!r} (use a dotted path such as app_metadata.department).")
    return name
