"""`ctx.http`: a requests.Session that never waits forever.

The original's `require('request')` had no default timeout, so one slow remote service could hang
a hook until the sandbox gave up. Here every call gets a connect and a read timeout unless the hook
passes its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import config

if TYPE_CHECKING:
    import requests

DEFAULT_CONNECT_TIMEOUT = 3.05
DEFAULT_READ_TIMEOUT = 5.0


def timeout_session() -> requests.Session:
    """A Session whose requests default to the configured (connect, read) timeouts."""
    import requests  # imported here: hooks that make no remote call do not pay for it

    timeout = (
        config.env_float(config.HTTP_CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT),
        config.env_float(config.HTTP_READ_TIMEOUT, DEFAULT_READ_TIMEOUT),
    )

    class TimeoutSession(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> requests.Response:
            kwargs.setdefault("timeout", timeout)
            return super().request(*args, **kwargs)

    return TimeoutSession()
