"""The one JSON parser of every request body: valid JSON that is not valid data is refused here.

Python's parser accepts what later fails elsewhere: `NaN`, `Infinity` and `-Infinity` (not JSON at
all), numbers too large for a float (`1e400` becomes infinity), lone surrogates (`"\\ud800"`, text
no UTF-8 encoder can write back: DynamoDB, SQS and the response would refuse it), and nesting
deep enough to exhaust a recursive reader later. Each is refused at parse time with a 400 naming
the offending field as a path (`payload.user.name`, `payload.memberships[0]`), before any hook,
table or queue sees it.

The usual body pays almost nothing: orjson parses it (under half the standard parser's work; it
refuses non-finite numbers and lone surrogates too, so only nesting deeper than `MAX_DEPTH` gets
through it), and the tree is walked for surrogates and depth only when the text could hold them (a
`\\uD8xx`-`\\uDFxx` escape; more brackets than the depth limit). Whatever orjson refuses, and any
text orjson would read differently, goes through the standard parser, whose errors are the messages
a caller gets: the result, or the error, is the standard parser's either way (a property test
compares the two).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

from .exceptions import InvalidRequestError

MAX_DEPTH = 64
MAX_KEY_SHOWN = 64
MAX_PATH_SHOWN = 200
TOO_DEEP = f"is nested more than {MAX_DEPTH} levels deep"
BAD_KEY = "is a key that is not valid Unicode (it holds a lone surrogate)"
BAD_TEXT = "is not valid Unicode (it holds a lone surrogate)"

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")

# The body's bytes with every digit as "0", every opening bracket ("[" or "{") as "[" and anything
# else as " ": the text's shape, for two cheap checks. orjson reads an integer beyond 64 bits as a
# float, where the standard parser keeps it an int; such an integer has at least 19 digits, found
# by one substring search (a regular expression's scan for 19 digits costs more than orjson's whole
# parse). And only a text with more opening brackets than MAX_DEPTH can be nested too deep.
_LONG_NUMBER_DIGITS = 19
_SHAPE = bytes(
    ord("0") if chr(byte) in "0123456789" else ord("[") if chr(byte) in "[{" else ord(" ") for byte in range(256)
)
_LONG_NUMBER = b"0" * _LONG_NUMBER_DIGITS
# Every byte but the digits and the opening brackets: the shape without them is the digits and the
# brackets alone, a few dozen bytes that count at once, made in one pass. A run of 19 digits is 19
# "0"s there too (leaving bytes out only joins runs): with fewer in all, the whole shape is not made.
_NEITHER_DIGIT_NOR_BRACKET = bytes(byte for byte in range(256) if chr(byte) not in "0123456789[{")


class _NotFinite:
    """Stands for a number a float cannot hold (`1e400`) or a constant JSON does not have (`NaN`)."""

    def __init__(self, text: str) -> None:
        self.text = text


class _NotFiniteError(ValueError):
    pass


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotFiniteError(text)
    return value


def _refuse(text: str) -> float:
    raise _NotFiniteError(text)


# Decoders are immutable once built: one each, shared by every request.
_STRICT = json.JSONDecoder(parse_float=_finite, parse_constant=_refuse)
_MARKING = json.JSONDecoder(
    parse_float=lambda text: _NotFinite(text) if math.isinf(float(text)) else float(text),
    parse_constant=_NotFinite,
)

_UNREAD = object()  # what `_fast_loads` answers for a text it leaves to the standard parser


def loads(text: str, utf8: bytes | None = None) -> Any:
    """`text` as a JSON value; `InvalidRequestError` for bad JSON or valid JSON that is not valid data.

    `utf8` is `text` encoded as UTF-8 when the caller has it already (a request body's bytes): orjson
    reads those bytes, and the text is not encoded again."""
    if utf8 is None:
        utf8 = text.encode("utf-8", "surrogatepass")
    # Brackets are ASCII: as many among the bytes as in the text.
    digits_and_brackets = utf8.translate(_SHAPE, _NEITHER_DIGIT_NOR_BRACKET)
    value = _fast_loads(utf8, digits_and_brackets)
    if value is _UNREAD:
        value = _standard_loads(text)
    if ("\\u" in text and _SURROGATE_ESCAPE.search(text)) or digits_and_brackets.count(b"[") > MAX_DEPTH:
        _raise_first_problem(value)
    return value


def _fast_loads(utf8: bytes, digits_and_brackets: bytes) -> Any:
    """The text of these UTF-8 bytes as orjson reads it, or `_UNREAD` when orjson refuses it or could
    read a number other than as the standard parser does (an integer beyond 64 bits)."""
    if digits_and_brackets.count(b"0") >= _LONG_NUMBER_DIGITS and _LONG_NUMBER in utf8.translate(_SHAPE):
        return _UNREAD
    try:
        return orjson.loads(utf8)
    except orjson.JSONDecodeError:  # NaN, 1e400, a lone surrogate, bad JSON: the standard parser says which
        return _UNREAD


def _standard_loads(text: str) -> Any:
    """`text` as the standard parser reads it; `InvalidRequestError` for bad JSON or a number that is not finite."""
    try:
        return _STRICT.decode(text)
    except _NotFiniteError as exc:
        try:
            marked = _MARKING.decode(text)
        except RecursionError:  # the number came before nesting too deep to read ("[1e400,[[[...")
            raise InvalidRequestError("body", TOO_DEEP) from None
        except ValueError as invalid:  # the parser met the number before the text's own error ("1e400 x")
            raise InvalidRequestError("body", f"is not valid JSON ({invalid})") from invalid
        _raise_first_problem(marked)
        raise InvalidRequestError("body", f"holds a number that is not finite ({exc})") from None  # not reached
    except RecursionError:
        raise InvalidRequestError("body", TOO_DEEP) from None
    except ValueError as exc:
        raise InvalidRequestError("body", f"is not valid JSON ({exc})") from exc


def _raise_first_problem(root: Any) -> None:
    """Walk `root` depth first; raise for the first non-finite number, lone surrogate or over-deep container."""
    pending: list[tuple[Any, tuple[str | int, ...], int]] = [(root, (), 0)]
    while pending:
        value, path, depth = pending.pop()
        if isinstance(value, (dict, list)) and depth == MAX_DEPTH:
            raise InvalidRequestError(field_path(path), TOO_DEEP)
        if isinstance(value, dict):
            for key in value:
                if _SURROGATE.search(key):
                    raise InvalidRequestError(field_path((*path, key)), BAD_KEY)
            pending.extend((item, (*path, key), depth + 1) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            pending.extend((item, (*path, index), depth + 1) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str) and _SURROGATE.search(value):
            raise InvalidRequestError(field_path(path), BAD_TEXT)
        elif isinstance(value, _NotFinite):
            raise InvalidRequestError(field_path(path), f"is not a finite number ({value.text[:40]})")


def field_path(path: tuple[str | int, ...]) -> str:
    """`("payload", "memberships", 0)` as `payload.memberships[0]`; the root is `body`.

    A key holding a surrogate is written with its escape (`\\ud800`), so that the error body stays
    valid UTF-8; long keys and paths are cut (`…`): the field is for a person to find, not to echo.
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        name = part.encode("utf-8", "backslashreplace").decode("utf-8") if _SURROGATE.search(part) else part
        name = name if len(name) <= MAX_KEY_SHOWN else name[:MAX_KEY_SHOWN] + "…"
        text += f".{name}" if text else name
    return (text if len(text) <= MAX_PATH_SHOWN else text[:MAX_PATH_SHOWN] + "…") or "body"
