"""Short AWS calls: the timeouts and attempts of the registration's SQS and DynamoDB calls.

Cognito gives its Post Confirmation trigger 5 s in all, a cold start included, and the trigger
must still answer when the queue is down: every call here has a 0.5 s connect and a 1 s read
timeout, botocore retries nothing on its own, and the callers make at most `ATTEMPTS` calls, none
that could end after their deadline but the first.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 1.0
# The longest one call can take (a refused or dropped connection fails sooner).
CALL_SECONDS = CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS
ATTEMPTS = 2


def short_call_config(total_attempts: int = 1) -> Any:
    """botocore's Config for bounded calls: short timeouts, and no retry of its own unless asked."""
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "total_max_attempts": total_attempts},
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
    )


def attempts(deadline: float | None) -> Iterator[int]:
    """0, 1, ... up to `ATTEMPTS`, while another call can end by `deadline` (`time.monotonic()`);
    the first attempt is always made."""
    for attempt in range(ATTEMPTS):
        if attempt and deadline is not None and time.monotonic() + CALL_SECONDS > deadline:
            return
        yield attempt
