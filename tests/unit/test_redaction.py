"""What never reaches a log line: the matching rule for key names, tested both ways, and secrets inside text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dahooks.redaction import _CREDENTIAL, REDACTED, is_sensitive_key, redact, redact_text
from local.testing import KELLY, call_hook, hook_from_source

SENSITIVE_KEYS = [
    "password",
    "Password",
    "new_password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "pin",
    "pin_code",
    "otp",
    "totp_secret",
    "private_key",
    "privateKey",
    "refresh_token",
    "refreshToken",
    "accesstoken",
    "id_token",
    "client_secret",
    "clientSecret",
    "code",
    "auth_code",
    "authorization_code",
    "verification_code",
    "mfaCode",
    "code_verifier",
    "session",
    "session_id",
    "sessionToken",
    "Authorization",
    "x-api-key",
    "APIKey",
    "apikey",
    "cookie",
    "Set-Cookie",
    "credentials",
    "SLACK_HOOK_URL",
    "webhookUrl",
    "aws_secret_access_key",
]
HARMLESS_KEYS = [
    "error_code",
    "status_code",
    "statusCode",
    "errorCode",
    "country_code",
    "postal_code",
    "currency_code",
    "passport",
    "bypass",
    "compass",
    "spinner",
    "pinned",
    "hook",
    "key",
    "department",
    "user_id",
    "email",
    "status",
    "error",
    "message",
    "request_id",
    "correlation_id",
    "actor",
    "reason",
    "deadline_ms",
    "code_challenge_method",
    "encoding",
    "barcode",
]


@pytest.mark.parametrize("key", SENSITIVE_KEYS)
def test_a_sensitive_key_is_redacted(key: str) -> None:
    assert is_sensitive_key(key)
    assert redact({"outer": {key: "s3cr3t-value"}}) == {"outer": {key: REDACTED}}


@pytest.mark.parametrize("key", HARMLESS_KEYS)
def test_our_harmless_keys_still_log(key: str) -> None:
    assert not is_sensitive_key(key)
    assert redact({key: "visible"}) == {key: "visible"}


PAYLOAD = {"email": "a@example.com", "password": "pw-XYZZY", "pin": 4321, "user_metadata": {"otp": "otp-XYZZY"}}


@pytest.mark.parametrize(
    "text",
    [
        f"{PAYLOAD}",  # Python's repr: single quotes
        repr({"password": "it's pw-XYZZY", "pin": 4321, "otp": "otp-XYZZY"}),  # repr picks double quotes here
        json.dumps(PAYLOAD),
        json.dumps(PAYLOAD, separators=(",", ":")),
        "User(email='a@example.com', password='pw-XYZZY', pin=4321, otp=b'otp-XYZZY')",
        "https://example.com/callback?code=pw-XYZZY&state=ok&session=otp-XYZZY&pin=4321",
        "login failed: refresh token: pw-XYZZY, pin: 4321, otp=otp-XYZZY",
        "{'credentials': {'user': 'bob', 'value': 'pw-XYZZY', 'pin': 4321, 'otp': 'otp-XYZZY'}}",
        "Authorization: Bearer pw-XYZZY pin=4321 otp=otp-XYZZY",
    ],
    ids=["repr", "repr-double-quoted", "json", "compact-json", "kwargs", "query", "prose", "nested", "header"],
)
def test_secrets_inside_text_are_redacted(text: str) -> None:
    redacted = redact_text(text)

    assert "XYZZY" not in redacted
    assert "4321" not in redacted
    assert REDACTED in redacted


def test_text_keeps_what_is_harmless() -> None:
    text = "{'error_code': 'E42', 'status_code': 503, 'user': 'a@example.com'} error code: 7 http://x.example/p"
    assert redact_text(text) == text


def test_the_pair_keeps_its_quotes_and_the_rest_of_the_text() -> None:
    assert redact_text("{'password': 'x', 'name': 'y'}") == "{'password': '[REDACTED]', 'name': 'y'}"
    assert redact_text('{"password":"x","name":"y"}') == '{"password":"[REDACTED]","name":"y"}'


def test_a_hook_printing_its_payload_or_raising_with_it_leaks_nothing(tmp_path, captured_logs) -> None:
    source = """
        def hook(ctx):
            ctx.log(f"{ctx.payload}")
            ctx.log("payload was", str(ctx.payload), repr(ctx.payload["user_metadata"]))
            raise ValueError(f"cannot create {ctx.payload}")
    """
    function = hook_from_source(tmp_path, "write", source)
    body = {"method": "create", "request": {"user": KELLY}, "payload": PAYLOAD}

    status, answer = call_hook(function, body)

    assert status == 500
    assert "XYZZY" not in json.dumps(answer)
    assert [r["message"] for r in captured_logs.records if r.get("source") == "hook"]
    assert any("exception" in record for record in captured_logs.records)
    assert "XYZZY" not in captured_logs.text
    assert "4321" not in captured_logs.text


def test_the_cheap_hint_finds_every_sensitive_key_the_rule_knows() -> None:
    # The pair scan runs only on text the hint matches: a rule it missed would never be applied.
    from dahooks.redaction import _KEY_HINT, CODE, SECRET_FRAGMENTS, SECRET_PAIRS, SECRET_WORDS

    for name in [*SECRET_FRAGMENTS, *SECRET_WORDS, *(" ".join(pair) for pair in SECRET_PAIRS), CODE, *SENSITIVE_KEYS]:
        assert _KEY_HINT.search(name.lower()), name


CREDENTIAL_PIECES = ["Bearer ", "bAsIc ", "BEARER\t", "baſic ", "Beareﬆ ", "eyJ", "EYJ", "hbGci", ".", "-", "abc", "ſ"]


@given(st.lists(st.sampled_from(CREDENTIAL_PIECES), max_size=8).map("".join))
def test_the_words_looked_for_first_never_let_a_credential_through(text: str) -> None:
    # The credential scan is skipped for ASCII text without its words: whatever the case, and for
    # text that is not ASCII (the long s matches an s) it always runs.
    assert _CREDENTIAL.search(redact_text(text)) is None
