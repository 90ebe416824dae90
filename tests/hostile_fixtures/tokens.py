"""Tokens an attacker would try, built by hand where PyJWT (rightly) refuses to build them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from local.authorizer import LocalIssuer


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def good_claims(issuer: LocalIssuer, *scopes: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": issuer.issuer, "aud": issuer.audience, "sub": "auth0|mallory", "iat": now}
    return {**claims, "exp": now + 600, "scope": " ".join(scopes), **overrides}


def alg_none(issuer: LocalIssuer, *scopes: str) -> str:
    """An unsigned token (`alg: none`) with otherwise perfect claims."""
    return f"{_segment({'alg': 'none', 'typ': 'JWT', 'kid': issuer.kid})}.{_segment(good_claims(issuer, *scopes))}."


def hs256_signed_with_public_key(issuer: LocalIssuer, *scopes: str) -> str:
    """The classic algorithm confusion: HMAC keyed with the issuer's *public* key, which anyone has."""
    public_pem = issuer.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = (
        f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': issuer.kid})}.{_segment(good_claims(issuer, *scopes))}"
    )
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def signed_by_another_key(issuer: LocalIssuer, *scopes: str) -> str:
    """RS256, the issuer's kid and claims, but a key the issuer never had."""
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(good_claims(issuer, *scopes), stranger, algorithm="RS256", headers={"kid": issuer.kid})
