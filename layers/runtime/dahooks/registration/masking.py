"""Keep secret *values* out of the logs, whatever key (or none) they are logged under.

The layer's serializer redacts values under sensitive key names; a webhook URL, though, reaches a
log line inside text: an exception message (`... for url: https://hooks.slack.com/services/...`),
a hook's own `logging.getLogger(__name__).info(url)`. This filter knows the values the worker read
from Secrets Manager and masks them, and the secret path of a URL (which requests quotes without
the host), in the message, the extra keys, the stack and the formatted exception of every record.

It sits on every handler of the process, not only on the runtime's logger: a hook's own logger
propagates its records to the root logger's handlers (in Lambda, the runtime's), which format them
without the runtime's logger ever seeing them. `print()` is not logging and is not masked.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..logs import REDACTED

if TYPE_CHECKING:
    from collections.abc import Iterable

# Shorter values would mask ordinary words; a real secret is never this short.
MIN_SECRET_LENGTH = 6
# A URL's path is masked from each of its segments on (Slack's `T…/B…/token` without `/services/`,
# the token alone) when that tail is this long: shorter tails are ordinary words (`v2/contacts`).
MIN_PATH_TAIL_LENGTH = 16
_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def secret_fragments(value: Any) -> set[str]:
    """Every string in `value` worth masking: the values, and the path, its long tails and the query of URLs."""
    found: set[str] = set()
    if isinstance(value, dict):
        for item in value.values():
            found |= secret_fragments(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= secret_fragments(item)
    elif isinstance(value, str):
        found.add(value)
        if "://" in value:
            parts = urlsplit(value)
            found.update({parts.path, parts.query, parts.netloc if "@" in parts.netloc else ""})
            segments = parts.path.split("/")
            tails = ("/".join(segments[start:]) for start in range(1, len(segments)))
            found.update(tail for tail in tails if len(tail) >= MIN_PATH_TAIL_LENGTH)
    return {fragment for fragment in found if len(fragment) >= MIN_SECRET_LENGTH}


class SecretMask(logging.Filter):
    """A logging filter that replaces known secret values with `[REDACTED]`."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._fragments: tuple[str, ...] = ()

    def remember(self, secrets: Any) -> None:
        """Mask every value of `secrets` from now on."""
        with self._lock:
            fragments = set(self._fragments) | secret_fragments(secrets)
            # Longest first, so that a URL is masked whole before its path would be.
            self._fragments = tuple(sorted(fragments, key=len, reverse=True))

    def mask(self, value: Any) -> Any:
        """`value` with every known secret replaced, at any depth."""
        if isinstance(value, str):
            for fragment in self._fragments:
                if fragment in value:
                    value = value.replace(fragment, REDACTED)
            return value
        if isinstance(value, dict):
            return {key: self.mask(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask(item) for item in value]
        return value

    def _mask_all(self, values: Iterable[Any]) -> tuple[Any, ...]:
        return tuple(self.mask(value) for value in values)

    def install(self, *loggers: logging.Logger) -> None:
        """Mask what every handler of the process writes, and what `loggers` emit.

        Handlers are found now (the root logger's, every named logger's, Python's last resort);
        call it again to cover handlers added since (the worker does, at each invocation).
        """
        for named in loggers:
            if self not in named.filters:
                named.addFilter(self)
        every = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
        handlers = [handler for owner in every if isinstance(owner, logging.Logger) for handler in owner.handlers]
        if logging.lastResort is not None:
            handlers.append(logging.lastResort)
        for handler in handlers:
            if self not in handler.filters:
                handler.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._fragments:
            return True
        record.msg = self.mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = self._mask_all(record.args)
        elif isinstance(record.args, dict):
            record.args = self.mask(record.args)
        for name, value in list(record.__dict__.items()):
            if name not in _STANDARD_ATTRIBUTES:
                setattr(record, name, self.mask(value))
        if record.exc_info and record.exc_info[1] is not None:
            # Format the exception here, masked, and hand it over as the `exception` key Powertools
            # honours and as the `exc_text` a standard Formatter prints; the raw exc_info (whose text
            # holds the secret) is dropped.
            error = record.exc_info[1]
            masked = self.mask("".join(traceback.format_exception(error)).rstrip("\n"))
            record.exception = masked
            record.exception_name = type(error).__name__
            record.exc_text = masked
            record.exc_info = None
        elif record.exc_text:  # formatted by a filter or handler before this one
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


secret_mask = SecretMask()
