"""The opaque cursor of a listing: where the next page starts, signed so nobody can forge or reuse it.

A cursor is `base64url(json).base64url(mac)`: the JSON holds the position (which listing of the
plan, the directory's own pagination token, the Limit that chunk was read with, how many of its
rows were consumed, a keyed fingerprint of the last one), a digest of the plan it belongs to, and
when it was issued; the MAC is HMAC-SHA256 under a key the deployment provides (never one in
code). A cursor that was altered, signed with another key, made for another search (another
department's filter, say) or is older than `max_age_s` is refused with 400 `InvalidRequest`.

It is signed, not encrypted: it carries the directory's pagination token as the directory issued
it (Cognito's is opaque), and the last row's user_id only as an HMAC, so a row the access hook hid
does not show through the cursor.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..exceptions import InvalidRequestError

if TYPE_CHECKING:
    from collections.abc import Callable

MIN_KEY_BYTES = 32
MAX_CURSOR_LENGTH = 4096
DEFAULT_MAX_AGE_S = 3600
_VERSION = 1


@dataclass(frozen=True)
class Position:
    """Where a listing resumes: source `source` of the plan, from the chunk `token` names.

    `limit` is the Limit that chunk was read with (0: choose), `skip` how many of its rows were
    already consumed, `anchor` the fingerprint of the last consumed row (to notice rows that
    appeared or went away in between).
    """

    source: int = 0
    token: str | None = None
    limit: int = 0
    skip: int = 0
    anchor: str = ""


START = Position()


class CursorCodec:
    """Signs positions into cursors and checks cursors back into positions."""

    def __init__(self, key: bytes, max_age_s: float = DEFAULT_MAX_AGE_S, clock: Callable[[], float] = time.time):
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"the cursor key must be at least {MIN_KEY_BYTES} bytes")
        # Separate keys for separate purposes, both derived from the one the deployment holds.
        self._mac_key = hmac.new(key, b"dahooks cursor mac", hashlib.sha256).digest()
        self._row_key = hmac.new(key, b"dahooks cursor row", hashlib.sha256).digest()
        self._max_age_s = max_age_s
        self._clock = clock

    def fingerprint(self, user_id: str) -> str:
        """A short keyed fingerprint of a row's user_id, for `Position.anchor`."""
        return _b64(hmac.new(self._row_key, user_id.encode(), hashlib.sha256).digest()[:12])

    def encode(self, position: Position, binding: str) -> str:
        """The cursor for `position` in the listing identified by `binding` (a digest of the plan)."""
        payload = {
            "v": _VERSION,
            "b": binding,
            "s": position.source,
            "t": position.token,
            "l": position.limit,
            "k": position.skip,
            "a": position.anchor,
            "i": int(self._clock()),
        }
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def decode(self, cursor: str, binding: str) -> Position:
        """The position in `cursor`; `InvalidRequestError` unless it is ours, intact, fresh and for `binding`."""
        body, _, mac = cursor.partition(".")
        if len(cursor) > MAX_CURSOR_LENGTH or not hmac.compare_digest(mac.encode(), self._sign(body).encode()):
            raise _foreign()
        payload = _json_object(body)
        if payload.get("v") != _VERSION or payload.get("b") != binding:
            raise InvalidRequestError("cursor", "this cursor belongs to another search; start the listing again")
        issued = payload.get("i")
        if not isinstance(issued, int) or not 0 <= self._clock() - issued <= self._max_age_s:
            raise InvalidRequestError("cursor", "this cursor has expired; start the listing again")
        return _position(payload)

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._mac_key, body.encode(), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json_object(body: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError) as exc:  # signed by us yet unreadable: still the caller's 400
        raise _foreign() from exc
    if not isinstance(value, dict):
        raise _foreign()
    return value


def _position(payload: dict[str, Any]) -> Position:
    token, anchor = payload.get("t"), payload.get("a")
    if not (token is None or isinstance(token, str)) or not isinstance(anchor, str):
        raise _foreign()
    return Position(_count(payload.get("s")), token, _count(payload.get("l")), _count(payload.get("k")), anchor)


def _count(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise _foreign()


def _foreign() -> InvalidRequestError:
    return InvalidRequestError("cursor", "not a cursor this server issued")
