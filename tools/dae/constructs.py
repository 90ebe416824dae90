"""The constructs of the extension's hook API (and of its documented samples) the porting guide
covers, and the ones it cannot, as patterns found in a hook's JavaScript.

`make import-dae` lists, for each imported hook, every construct found in its source: the section
of docs/porting.md that shows its Python form, or that a person must decide. Finding is by regular
expression over the source with its comments and strings blanked (a `ctx.write` in a comment is no
call), so it is a reading aid, not a parser: a construct this table does not know is not reported,
which the report says. A test holds every `section` to a heading of docs/porting.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GUIDE = "docs/porting.md"

# ctx members the guide covers; any other `ctx.<name>` needs a person.
KNOWN_CTX_MEMBERS = frozenset(
    {"payload", "request", "method", "userFields", "locale", "log", "global", "read", "write"}
)


@dataclass(frozen=True)
class Construct:
    """One construct: how to find it in JavaScript, and where the guide shows its Python (None: nowhere)."""

    name: str
    pattern: re.Pattern[str]
    section: str | None  # the anchor of its section in docs/porting.md; None: a person must port it

    @property
    def covered(self) -> bool:
        return self.section is not None


def _construct(name: str, pattern: str, section: str | None) -> Construct:
    return Construct(name, re.compile(pattern), section)


CONSTRUCTS: tuple[Construct, ...] = (
    # The hook API.
    _construct(
        "function (ctx, callback) { ... }", r"function\s*\w*\s*\(\s*ctx\s*,\s*(?:callback|cb)\s*\)", "the-hook-function"
    ),
    _construct("callback(new Error('...')) refuses", r"\b(?:callback|cb)\s*\(\s*new\s+Error\s*\(", "refusing"),
    _construct("callback(null, result) / callback() answers", r"\b(?:callback|cb)\s*\(\s*(?:null\s*,|\))", "answering"),
    _construct("ctx.payload", r"\bctx\.payload\b", "ctxpayload"),
    _construct("ctx.request.user", r"\bctx\.request\.user\b", "ctxrequestuser"),
    _construct("ctx.request.originalUser", r"\bctx\.request\.originalUser\b", "ctxrequestoriginaluser"),
    _construct("ctx.method", r"\bctx\.method\b", "ctxmethod"),
    _construct("ctx.userFields", r"\bctx\.userFields\b", "ctxuserfields"),
    _construct("ctx.locale", r"\bctx\.locale\b", "ctxlocale"),
    _construct("ctx.log(...)", r"\bctx\.log\s*\(", "ctxlog"),
    _construct("ctx.global", r"\bctx\.global\b", "ctxglobal"),
    _construct("ctx.read()", r"\bctx\.read\s*\(", "ctxread-and-ctxwrite"),
    _construct("ctx.write(data)", r"\bctx\.write\s*\(", "ctxread-and-ctxwrite"),
    _construct("require('request')", r"\brequire\s*\(\s*['\"]request['\"]\s*\)", "remote-calls-requirerequest"),
    _construct("promises: .then(...) / .catch(...)", r"\.\s*(?:then|catch)\s*\(", "promises"),
    # What the documented samples use.
    _construct("a && a.b (guarded property access)", r"\w\s*&&\s*[\w.]+\.\w+", "guarded-access-a--ab"),
    _construct("!x || !x.length (empty checks)", r"!\s*[\w.]+\.length\b", "empty-checks"),
    _construct("{ ...object } (object spread)", r"\{[^{}]*(?P<at>\.\.\.)\s*[\w.]", "object-spread"),
    _construct(
        "Object.keys(o).forEach(...) / delete o[key]",
        r"\bObject\.keys\s*\(|\bdelete\s+\w+\s*\[",
        "iterating-and-deleting-keys",
    ),
    _construct("a Lucene query built by concatenation", r"['\"][\w.]+:\\?['\"]?['\"]?\s*\+", "the-filter-query"),
    _construct("filter result { query, searchEngine }", r"\bsearchEngine\b", "the-filter-query"),
    _construct(
        "memberships: a list or { memberships, createMemberships }", r"\bcreateMemberships\b", "memberships-results"
    ),
    _construct(
        "settings: connections, dict, css, canCreateUser, userFields",
        r"\b(?:canCreateUser|menuName|connections)\b",
        "settings-results",
    ),
    _construct(
        "custom domain: customDomain / useCanonicalDomain",
        r"\b(?:customDomain|useCanonicalDomain)\b",
        "custom-domain-results",
    ),
    _construct("JSON.parse / JSON.stringify", r"\bJSON\.(?:parse|stringify)\s*\(", "json-and-dates"),
    _construct("new Date() / Date.now()", r"\bnew\s+Date\b|\bDate\.now\s*\(", "json-and-dates"),
    # What the guide cannot port for you.
    _construct("require() of another module", r"\brequire\s*\(\s*['\"](?!request['\"])[^'\"]+['\"]\s*\)", None),
    _construct("process.env", r"\bprocess\.env\b", None),
    _construct("setTimeout / setInterval", r"\bset(?:Timeout|Interval|Immediate)\s*\(", None),
    _construct("async / await", r"\basync\s+function\b|\bawait\s", None),
    _construct("module.exports / exports", r"\bmodule\.exports\b|\bexports\.\w+", None),
    _construct("eval / new Function", r"\beval\s*\(|\bnew\s+Function\s*\(", None),
)

_CTX_MEMBER = re.compile(r"\bctx\.(\w+)")
# Comments and string literals (single, double, template), blanked before searching for code.
_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\.|[^`\\])*`", re.DOTALL
)
# Constructs whose pattern is about what a string holds, searched in the source with comments blanked only.
_IN_STRINGS = frozenset({"require('request')", "require() of another module", "a Lucene query built by concatenation"})


def _blank(match: re.Match[str], keep_strings: bool) -> str:
    text = match.group(0)
    if text.startswith(("//", "/*")):
        return re.sub(r"[^\n]", " ", text)
    if keep_strings:
        return text
    return text[0] + " " * (len(text) - 2) + text[-1]


@dataclass(frozen=True)
class Found:
    """A construct found in a hook's source, with the first line it is on."""

    construct: Construct
    line: int


def find_constructs(source: str) -> list[Found]:
    """Every construct of CONSTRUCTS in `source`, in table order, plus one entry per unknown ctx member."""
    code = _COMMENT_OR_STRING.sub(lambda m: _blank(m, keep_strings=False), source)
    with_strings = _COMMENT_OR_STRING.sub(lambda m: _blank(m, keep_strings=True), source)
    found: list[Found] = []
    for construct in CONSTRUCTS:
        match = construct.pattern.search(with_strings if construct.name in _IN_STRINGS else code)
        if match is not None:
            # A pattern that needs context before the construct marks where the construct is: (?P<at>...).
            start = match.start("at") if "at" in construct.pattern.groupindex else match.start()
            found.append(Found(construct, code.count("\n", 0, start) + 1))
    for member in sorted({m.group(1) for m in _CTX_MEMBER.finditer(code)} - KNOWN_CTX_MEMBERS):
        match = re.search(rf"\bctx\.{member}\b", code)
        assert match is not None
        unknown = _construct(f"ctx.{member} (not in the extension's documented ctx)", rf"\bctx\.{member}\b", None)
        found.append(Found(unknown, code.count("\n", 0, match.start()) + 1))
    return found
