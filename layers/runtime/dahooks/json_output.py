"""Compact JSON text, the same as `json.dumps(value, separators=(",", ":"), ensure_ascii=False)`,
from an encoder built once.

`json.dumps` with any argument of its own builds a new encoder for each call (a JSONEncoder, then
the C encoder with a fresh cycle-detection dict): for a log record or a small response body that
costs more than the encoding itself. `Compact` builds the C encoder once; its output is
`json.dumps`'s, character for character (a unit test compares the two over generated values).

Without the cycle check a cyclic value is a RecursionError rather than a ValueError: every value
written here is a tree (a parsed request, a hook's result, a redacted copy of a record).
"""

from __future__ import annotations

import json
import json.encoder
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

ITEM_SEPARATOR = ","
KEY_SEPARATOR = ":"


class Compact:
    """`dumps(value)`: compact JSON text; `default` turns what JSON cannot hold into what it can;
    with `allow_nan=False` NaN and the infinities are a ValueError, as in `json.dumps`."""

    def __init__(self, *, default: Callable[[Any], Any] | None = None, allow_nan: bool = True) -> None:
        encoder = json.JSONEncoder(
            separators=(ITEM_SEPARATOR, KEY_SEPARATOR),
            ensure_ascii=False,
            default=default,
            allow_nan=allow_nan,
            check_circular=False,
        )
        make_c_encoder = getattr(json.encoder, "c_make_encoder", None)
        if make_c_encoder is None:  # a Python without the _json accelerator: the plain path
            self.dumps: Callable[[Any], str] = encoder.encode
            return
        encode = make_c_encoder(
            None,  # no cycle detection (see the module's note)
            encoder.default,
            json.encoder.encode_basestring,
            None,  # no indent
            KEY_SEPARATOR,
            ITEM_SEPARATOR,
            False,  # sort_keys
            False,  # skipkeys
            allow_nan,
        )
        self.dumps = lambda value: "".join(encode(value, 0))


compact = Compact()
compact_finite = Compact(allow_nan=False)  # response bodies and stored data: NaN is not JSON
