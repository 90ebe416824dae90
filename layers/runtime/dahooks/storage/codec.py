"""How custom data becomes bytes in DynamoDB items, and back.

The limit (409,600 bytes, the original's 400 KiB) is measured on compact UTF-8 JSON, the form a
user can predict. What is stored is that JSON, zlib-compressed when that makes it smaller, split
into chunks small enough that no item ever reaches DynamoDB's own 400 KB item limit (which counts
attribute names too): so every write the limit allows fits, incompressible text included.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

from ..exceptions import CustomDataTooLargeError

MAX_DATA_BYTES = 409_600
# A chunk item is this plus ~60 bytes of keys and names: far below 409,600 bytes.
CHUNK_BYTES = 300 * 1024


def compact_json(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON; NaN and Infinity are refused (they are not JSON)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


@dataclass(frozen=True)
class Encoded:
    """Custom data ready to store: its compact JSON, and the (possibly compressed) bytes that hold it."""

    raw: bytes
    body: bytes
    compressed: bool

    @property
    def size(self) -> int:
        return len(self.raw)

    @property
    def chunks(self) -> list[bytes]:
        """`body` cut into pieces of at most CHUNK_BYTES."""
        return [self.body[start : start + CHUNK_BYTES] for start in range(0, len(self.body), CHUNK_BYTES)]


def encode(data: dict[str, Any]) -> Encoded:
    """Check the limit and compress `data` when that helps; raises `CustomDataTooLargeError` over the limit."""
    if not isinstance(data, dict):
        raise TypeError(f"custom data must be a dict (a JSON object), not {type(data).__name__}")
    raw = compact_json(data)
    if len(raw) > MAX_DATA_BYTES:
        raise CustomDataTooLargeError(
            f"the custom data is {len(raw)} bytes of compact JSON; the limit is {MAX_DATA_BYTES} bytes"
        )
    packed = zlib.compress(raw, 6)
    if len(packed) < len(raw):
        return Encoded(raw=raw, body=packed, compressed=True)
    return Encoded(raw=raw, body=raw, compressed=False)


def decode(chunks: list[bytes], compressed: bool) -> bytes:
    """The compact JSON the chunks hold."""
    body = b"".join(chunks)
    return zlib.decompress(body) if compressed else body
