"""A cursor is ours, intact, fresh and for this search, or it is refused with 400."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import pytest

from dahooks.exceptions import InvalidRequestError
from dahooks.search import CursorCodec, Position
from dahooks.search.cursor import MAX_CURSOR_LENGTH

if TYPE_CHECKING:
    from collections.abc import Callable

KEY = b"k" * 32
BINDING = "plan-digest"
POSITION = Position(source=1, token="opaque-token", limit=60, skip=7, anchor="abc")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def encode_body(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()


def decode_body(cursor: str) -> dict[str, Any]:
    body = cursor.partition(".")[0]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return decoded


def test_a_cursor_round_trips() -> None:
    codec = CursorCodec(KEY)
    assert codec.decode(codec.encode(POSITION, BINDING), BINDING) == POSITION


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        CursorCodec(b"short")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda cursor: cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"),  # the MAC
        lambda cursor: encode_body({**decode_body(cursor), "k": 0}) + "." + cursor.partition(".")[2],  # the body
        lambda cursor: cursor.partition(".")[0],  # no MAC at all
        lambda cursor: "",
        lambda cursor: "." + cursor.partition(".")[2],
        lambda cursor: "not base64!." + cursor.partition(".")[2],
        lambda cursor: cursor + "." + cursor,
    ],
)
def test_a_tampered_cursor_is_refused(tamper: Callable[[str], str]) -> None:
    codec = CursorCodec(KEY)
    with pytest.raises(InvalidRequestError, match="cursor: not a cursor this server issued"):
        codec.decode(tamper(codec.encode(POSITION, BINDING)), BINDING)


def test_a_cursor_signed_with_another_key_is_refused() -> None:
    foreign = CursorCodec(b"x" * 32).encode(POSITION, BINDING)
    with pytest.raises(InvalidRequestError, match="not a cursor this server issued"):
        CursorCodec(KEY).decode(foreign, BINDING)


def test_a_cursor_of_another_search_is_refused() -> None:
    codec = CursorCodec(KEY)
    with pytest.raises(InvalidRequestError, match="belongs to another search"):
        codec.decode(codec.encode(POSITION, "another-plan"), BINDING)


def test_an_old_cursor_is_refused() -> None:
    clock = Clock()
    codec = CursorCodec(KEY, max_age_s=60, clock=clock)
    cursor = codec.encode(POSITION, BINDING)
    clock.now += 60
    assert codec.decode(cursor, BINDING) == POSITION
    clock.now += 1
    with pytest.raises(InvalidRequestError, match="expired"):
        codec.decode(cursor, BINDING)


def test_an_overlong_cursor_is_refused_before_any_work() -> None:
    with pytest.raises(InvalidRequestError, match="not a cursor"):
        CursorCodec(KEY).decode("A" * (MAX_CURSOR_LENGTH + 1), BINDING)


@pytest.mark.parametrize(
    "changes",
    [{"s": -1}, {"s": "1"}, {"l": True}, {"k": 1.5}, {"t": 5}, {"a": None}, {"v": 2}, {"i": "now"}],
)
def test_a_signed_cursor_with_fields_of_the_wrong_shape_is_refused(changes: dict[str, object]) -> None:
    # Signed with our key, so only a bug (or a stolen key) could produce it; still a 400, never a 500.
    codec = CursorCodec(KEY)
    body = encode_body({**decode_body(codec.encode(POSITION, BINDING)), **changes})
    with pytest.raises(InvalidRequestError, match="cursor"):
        codec.decode(f"{body}.{codec._sign(body)}", BINDING)


def test_the_row_fingerprint_is_keyed_and_does_not_show_the_user_id() -> None:
    codec = CursorCodec(KEY)
    assert codec.fingerprint("kelly") == codec.fingerprint("kelly") != CursorCodec(b"x" * 32).fingerprint("kelly")
    assert "kelly" not in codec.fingerprint("kelly")
