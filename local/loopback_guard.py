"""A WSGI wrapper that serves this machine's programs and refuses web pages.

The emulators the local stack runs (moto's server for SQS, SSM and Secrets Manager; moto's Cognito)
listen on 127.0.0.1 only, which keeps other hosts out but not the developer's own browser: moto
answers every origin with `Access-Control-Allow-Origin: *`, so any page the developer opens could
read the local secrets or create users. SDKs never send an `Origin` header and always name the
address they dialled as `Host`; browsers send an `Origin` on every cross-origin request and a
preflight (`OPTIONS`) before most, and a DNS-rebinding page sends its own name as `Host`. So a
request with an `Origin`, with the `OPTIONS` method, or with a `Host` other than 127.0.0.1 or
localhost is answered 403 before the emulator sees it, with no `Access-Control-*` header. DynamoDB
Local gets the same rule from its Java launcher (local/LoopbackDynamoDBLocal.java).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
REFUSAL = b'{"message": "Forbidden: this local emulator serves programs on this machine, not web pages"}'


def host_name(host_header: str) -> str:
    """The name in a `Host` header, without its port, lower-cased ("[::1]:80" keeps its brackets)."""
    name = host_header.strip().lower()
    head, colon, port = name.rpartition(":")
    if colon and port.isdigit() and not name.endswith("]"):
        return head
    return name


def is_from_a_web_page(environ: dict[str, Any]) -> bool:
    """Whether a request carries a browser's marks: an Origin, a preflight, or a foreign Host."""
    return (
        "HTTP_ORIGIN" in environ
        or environ.get("REQUEST_METHOD") == "OPTIONS"
        or host_name(environ.get("HTTP_HOST", "")) not in LOOPBACK_HOSTS
    )


class LoopbackGuard:
    """`app`, answering 403 to any request `is_from_a_web_page` finds."""

    def __init__(self, app: Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if is_from_a_web_page(environ):
            start_response(
                "403 Forbidden",
                [("Content-Type", "application/json"), ("Content-Length", str(len(REFUSAL)))],
            )
            return [REFUSAL]
        return self.app(environ, start_response)
