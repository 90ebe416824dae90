"""What must never reach a log line, and how it is found: sensitive key names, and secrets inside text.

**Key names.** A key is split into lower-case words (`refreshToken`, `X-Api-Key`, `SLACK_HOOK_URL`,
`status code` all split) and is sensitive when
- a word *contains* one of `SECRET_FRAGMENTS` (`password`, `token`, `secret`, ... : long enough
  never to be part of a harmless word, so `accesstoken` and `sessionid` are caught too);
- a word *is* one of `SECRET_WORDS` (`pwd`, `pin`, `otp`, `pass`, `jwt`, ... : short, so only whole);
- two neighbouring words are one of `SECRET_PAIRS` (`private key`, `api key`, `hook url`, ...);
- or its last word is `code` (`code`, `auth_code`, `verification_code`, `mfa_code`) unless the word
  before says what harmless code it is (`HARMLESS_CODES`: `error_code`, `status_code`, `country_code`).
So `passport`, `bypass`, `compass`, `error_code`, `status_code`, `hook`, `key` and `department` log.

**Text.** Inside any logged string: bearer and basic credentials, JWTs, and every `key: value` or
`key=value` pair whose key is sensitive by the rule above — JSON (`"password": "x"`), Python's repr
(`'password': 'x'`, which `f"{ctx.payload}"` and exception messages print), keyword arguments
and query strings (`password=x`), and plain text (`refresh token: x`) — have their value replaced.
"""

from __future__ import annotations

import functools
import re
from typing import Any

REDACTED = "[REDACTED]"

SECRET_FRAGMENTS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "authorization",
    "authorisation",
    "cookie",
    "apikey",
    "privatekey",
    "session",
    "hookurl",
)
SECRET_WORDS = frozenset({"pwd", "pass", "pin", "otp", "totp", "hotp", "jwt", "bearer", "cvv", "cvc", "sig"})
SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("access", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("hook", "url"),
        ("webhook", "url"),
        ("code", "verifier"),
    }
)
CODE = "code"
HARMLESS_CODES = frozenset(
    {
        "error",
        "status",
        "http",
        "response",
        "exit",
        "return",
        "reason",
        "result",
        "country",
        "postal",
        "zip",
        "area",
        "region",
        "language",
        "lang",
        "locale",
        "currency",
        "iso",
        "dial",
        "phone",
        "product",
        "department",
        "cost",
        "tax",
        "color",
        "colour",
    }
)

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


@functools.lru_cache(maxsize=2048)  # the same few dozen keys recur in every record
def _is_sensitive_name(key: str) -> bool:
    words = [word.lower() for word in _WORDS.findall(key)]
    if not words:
        return False
    if any(fragment in word for word in words for fragment in SECRET_FRAGMENTS):
        return True
    if any(word in SECRET_WORDS for word in words):
        return True
    if any(pair in SECRET_PAIRS for pair in zip(words, words[1:], strict=False)):
        return True
    return words[-1] == CODE and (len(words) == 1 or words[-2] not in HARMLESS_CODES)


def is_sensitive_key(key: object) -> bool:
    """True for a key whose value must not be logged."""
    return isinstance(key, str) and _is_sensitive_name(key)


# Credentials recognisable on their own: a bearer or basic credential, a JWT.
_CREDENTIAL = re.compile(r"(?i:bearer|basic)\s+[A-Za-z0-9._~+/=-]+|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# A `key: value` / `key=value` pair: the key quoted (JSON, repr) or bare (kwargs, query strings,
# text; a bare key may be two words, as in "refresh token: ..."); the value quoted (either quote,
# Python's b'' too), a flat {...} or [...], or a bare word.
_PAIR = re.compile(
    r"""(?P<key>(?P<quote>["'])(?P<quoted>[^"'\n]{1,64})(?P=quote)"""
    r"""|(?<![\w-])(?P<bare>[A-Za-z_][\w-]{0,63}(?:\ [A-Za-z_][\w-]{0,63})?))"""
    r"""(?P<separator>\s*[:=]\s*)"""
    r"""(?P<value>b?"(?:[^"\\\n]|\\.)*"|b?'(?:[^'\\\n]|\\.)*'|\{[^{}]*\}|\[[^\[\]]*\]|[^\s,;&'"{}\[\]()<>]+)"""
)


# Something every sensitive key name contains (see the rule above): a text without it has no
# sensitive pair, and most log lines skip the scan for pairs after this one cheap search.
_KEY_HINT = re.compile(
    "pass|pwd|secret|token|credential|authori|cookie|session|key|url|pin|otp|jwt|bearer|cvv|cvc|sig|code"
)  # searched in the lower-cased text: an ignore-case search is several times slower


def redact_text(text: str) -> str:
    """`text` with credentials and the values of sensitive pairs replaced."""
    lower = text.lower()
    # An ASCII text holds a credential only if it holds one of these words: the scan for one is
    # skipped for most log lines (a text that is not ASCII is always scanned: the case-insensitive
    # match also takes letters such as the long s for an s).
    if not text.isascii() or "bearer" in lower or "basic" in lower or "eyj" in lower:
        redacted = _CREDENTIAL.sub(REDACTED, text)
        if redacted != text:
            text, lower = redacted, redacted.lower()
    if (":" not in text and "=" not in text) or _KEY_HINT.search(lower) is None:
        return text
    parts: list[str] = []
    position = 0
    while (match := _PAIR.search(text, position)) is not None:
        key = match["quoted"] if match["quote"] else match["bare"]
        if _is_sensitive_name(key):
            value = match["value"]
            quote = value[-1] if value[-1] in "\"'" else ""
            parts.append(f"{text[position : match.start('value')]}{quote}{REDACTED}{quote}")
            position = match.end()
        else:  # a harmless key: its value is read again, as it may hold pairs (a URL's query, a dict)
            parts.append(text[position : match.end("separator")])
            position = match.end("separator")
    parts.append(text[position:])
    return "".join(parts)


def redact(value: Any) -> Any:
    """A copy of `value` with sensitive values replaced, at any depth; `value` is not changed."""
    if isinstance(value, str):  # first: most values logged are text
        return redact_text(value)
    if isinstance(value, dict):
        return {k: REDACTED if is_sensitive_key(k) else redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(item) for item in value]
    return value
