"""API Gateway's JWT authorizer, emulated for the local stack, and the local issuer that mints tokens.

What an HTTP API's JWT authorizer does (AWS docs, "Controlling access to HTTP APIs with JWT
authorizers"), and so what this does: the token comes from the Authorization header (with or
without "Bearer "); it must be a JWT signed with RS256 by a key the issuer publishes (`kid`); `iss`
must be the configured issuer; `aud` (or `client_id` when there is no `aud`) one of the configured
audiences; `exp` in the future, `nbf` and `iat` not in the future. Any failure is 401
`{"message": "Unauthorized"}`. A token that is valid but carries none of the route's scopes
(`scope` or `scp`) is 403 `{"message": "Forbidden"}`. `alg: none` and HMAC tokens are refused:
only the issuer's RSA key can sign.

The function receives the claims as API Gateway hands them over: every value a string (numbers and
booleans as text, arrays as "[a b]", objects as "map[k:v]"), and the scopes as a list.

The local issuer's RSA key pair lives under the state directory (`.local/jwt/`), created on first use.
It mints machines' tokens (client credentials, Auth0's shape: `gty`, `sub` = `<client id>@clients`)
unless told otherwise: those are what the hook routes take.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .machine_client import machine_claims

if TYPE_CHECKING:
    from pathlib import Path

LOCAL_ISSUER = "https://issuer.local.delegated-admin-hooks/"
LOCAL_AUDIENCE = "urn:delegated-admin-hooks:local"
DEFAULT_LIFETIME_S = 12 * 3600
KEY_FILE = "jwt/private-key.pem"
_CACHE_SIZE = 1024


class Unauthorized(Exception):
    """401: no token, or a token API Gateway would not accept (the reason is for the log only)."""


class Forbidden(Exception):
    """403: a valid token without any of the route's scopes."""


@dataclass(frozen=True)
class Identity:
    """What the authorizer hands to the function in `requestContext.authorizer.jwt`."""

    claims: dict[str, str]
    scopes: list[str]

    def as_event(self) -> dict[str, Any]:
        return {"jwt": {"claims": self.claims, "scopes": self.scopes}}


class LocalIssuer:
    """The local identity provider: an RSA key pair kept under `state_dir`, used to sign and verify."""

    def __init__(self, state_dir: Path, issuer: str = LOCAL_ISSUER, audience: str = LOCAL_AUDIENCE) -> None:
        self.issuer = issuer
        self.audience = audience
        self._private_key = _load_or_create_key(state_dir / KEY_FILE)
        self.public_key = self._private_key.public_key()
        numbers = self.public_key.public_numbers()
        self.kid = uuid.uuid5(uuid.NAMESPACE_OID, f"{numbers.n:x}").hex[:16]

    def mint(
        self,
        scopes: list[str] | tuple[str, ...] = (),
        claims: dict[str, Any] | None = None,
        lifetime_s: float = DEFAULT_LIFETIME_S,
    ) -> str:
        """A machine's token (client credentials) as Auth0 would sign it: iss, aud, sub, azp, gty, iat,
        exp, scope, plus `claims`, which may override any of those (e.g. an expired token for a test)
        or drop them with None (`gty=None, sub="auth0|kelly"`: a user's token)."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            **machine_claims(),  # the development client's
            "iat": now,
            "exp": now + int(lifetime_s),
            "scope": " ".join(scopes),
            **(claims or {}),
        }
        payload = {name: value for name, value in payload.items() if value is not None}
        return jwt.encode(payload, self._private_key, algorithm="RS256", headers={"kid": self.kid})

    def authorizer(self) -> JwtAuthorizer:
        return JwtAuthorizer(self.issuer, [self.audience], {self.kid: self.public_key})


class JwtAuthorizer:
    """Checks a request's Authorization header as an HTTP API JWT authorizer configured with
    `issuer`, `audiences` and the issuer's public keys by kid."""

    def __init__(self, issuer: str, audiences: list[str], keys: dict[str, rsa.RSAPublicKey]) -> None:
        self.issuer = issuer
        self.audiences = audiences
        self.keys = keys
        # token -> its verified claims: the signature of a given token string is checked once; the
        # time claims are checked on every use (a cached token still expires).
        self._verified: dict[str, dict[str, Any]] = {}

    def authorize(self, authorization: str | None, route_scopes: tuple[str, ...]) -> Identity:
        """The identity for the function, or Unauthorized / Forbidden as API Gateway would answer."""
        claims = self._verified_claims(_token_of(authorization))
        scopes = _scopes_of(claims)
        if route_scopes and not set(route_scopes) & set(scopes):
            raise Forbidden(f"token has none of the scopes {list(route_scopes)}")
        return Identity(claims=gateway_claims(claims), scopes=scopes)

    def _verified_claims(self, token: str) -> dict[str, Any]:
        claims = self._verified.get(token)
        if claims is not None:
            now = time.time()
            if float(claims["exp"]) > now and float(claims.get("nbf", now)) <= now:
                return claims
            del self._verified[token]
        claims = self._verify(token)
        if len(self._verified) >= _CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = claims
        return claims

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthorized(f"not a JWT: {error}") from None
        if header.get("alg") != "RS256":
            raise Unauthorized(f"algorithm {header.get('alg')!r} is not accepted")
        key = self.keys.get(str(header.get("kid")))
        if key is None:
            raise Unauthorized("no key of the issuer has this token's kid")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(str(error)) from None
        audience = claims.get("aud", claims.get("client_id"))
        audiences = audience if isinstance(audience, list) else [audience]
        if not set(self.audiences) & {str(item) for item in audiences if item is not None}:
            raise Unauthorized("audience does not match")
        return claims


def published_keys(local_issuer_url: str, timeout_s: float = 10.0) -> dict[str, rsa.RSAPublicKey]:
    """The RSA keys an OpenID issuer publishes, by kid, found as API Gateway finds them: the issuer's
    `/.well-known/openid-configuration` names its `jwks_uri`. `local_issuer_url` is where a local
    stand-in serves what the issuer's own URL would (the Cognito emulator for a user pool)."""
    import urllib.request

    from jwt.algorithms import RSAAlgorithm

    def fetch(url: str) -> dict[str, Any]:
        with urllib.request.urlopen(url, timeout=timeout_s) as answer:  # noqa: S310 - a local endpoint
            document: dict[str, Any] = json.load(answer)
            return document

    configuration = fetch(f"{local_issuer_url.rstrip('/')}/.well-known/openid-configuration")
    keys: dict[str, rsa.RSAPublicKey] = {}
    for jwk in fetch(str(configuration["jwks_uri"])).get("keys", []):
        if jwk.get("kty") == "RSA":
            key = RSAAlgorithm.from_jwk(jwk)
            if isinstance(key, rsa.RSAPublicKey):
                keys[str(jwk.get("kid"))] = key
    return keys


def _token_of(authorization: str | None) -> str:
    if not authorization or not authorization.strip():
        raise Unauthorized("no Authorization header")
    value = authorization.strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    if not value:
        raise Unauthorized("empty bearer token")
    return value


def _scopes_of(claims: dict[str, Any]) -> list[str]:
    raw = claims.get("scope", claims.get("scp", ""))
    return [str(item) for item in raw] if isinstance(raw, list) else str(raw).split()


def gateway_claims(claims: dict[str, Any]) -> dict[str, str]:
    """A token's claims as API Gateway puts them into the function's event: every value a string."""
    return {name: _as_gateway_string(value) for name, value in claims.items()}


def _as_gateway_string(value: Any) -> str:
    """A claim value the way API Gateway puts it into the event (it is written in Go)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(_as_gateway_string(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_as_gateway_string(v)}" for k, v in sorted(value.items())) + "]"
    return str(value)


def _load_or_create_key(path: Path) -> rsa.RSAPrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} does not hold an RSA private key")
        return key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}")
    temporary.touch(mode=0o600)
    temporary.write_bytes(pem)
    try:
        os.link(temporary, path)  # fails if another process created the key first: then use theirs
    except FileExistsError:
        return _load_or_create_key(path)
    finally:
        temporary.unlink()
    return key


def parse_claims(text: str | None) -> dict[str, Any]:
    """The `CLAIMS='{...}'` of `make token`: a JSON object, or {} when empty."""
    if not text:
        return {}
    claims = json.loads(text)
    if not isinstance(claims, dict):
        raise ValueError("CLAIMS must be a JSON object")
    return claims
