"""The configuration page's routes, for administrators (`manage:config`), as the original's Configure page.

- `GET /api/config/custom-data`: the hooks' custom data, its version and size, and the limit;
- `PUT /api/config/custom-data`: replace it; `If-Match: N` makes it fail with 412 `VersionConflict`
  when someone wrote since version N (the page then shows both and lets the administrator choose);
  the write is audited (`write:custom-data`) and recorded in the custom data's own history;
- `GET /api/config/hooks`: each hook type, the version of its hook.py (SHA-256 of the file this
  deployment runs; `configured: false` when there is none and the default answers) and its last
  five failures (`storage.hook_errors`);
- `POST /api/config/hooks/{hook}/run`: a dry run (`dry_run`): the hook's answer to a sample request,
  as its own route would give it (status and body), with what it logged; nothing is changed.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, Any

from ..context import Request
from ..exceptions import DahooksError, NotFoundError
from ..responses import error_body
from ..storage import MAX_DATA_BYTES
from ..storage.api import parse_if_match, parse_put_body
from ..storage.hook_errors import KEPT
from ..validation import expect
from .dry_run import CapturingContext, dry_run_container

if TYPE_CHECKING:
    from pathlib import Path

    from .exchange import Exchange

Answer = tuple[int, Any]
LONGEST_DRY_RUN_S = 5.0


def custom_data(exchange: Exchange) -> Answer:
    current = exchange.services.storage.snapshot()
    return 200, {"data": current.data, "version": current.version, "size": current.size, "limit": MAX_DATA_BYTES}


def write_custom_data(exchange: Exchange) -> Answer:
    data = parse_put_body(exchange.raw_body)
    expected = parse_if_match(exchange.headers.get("if-match"))
    storage = exchange.services.storage
    version = exchange.change(lambda: storage.write(data, expected_version=expected, actor=exchange.caller.username))
    return 200, {"version": version, "size": storage.snapshot().size}


def hook_version(path: Path) -> dict[str, Any]:
    """What the page says of one hook.py: the SHA-256 of its bytes (None: no file, the default answers)."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return {"configured": False, "sha256": None, "version": None}
    return {"configured": True, "sha256": digest, "version": digest[:12]}


def hooks(exchange: Exchange) -> Answer:
    storage = exchange.services.storage
    files = exchange.services.hooks.files
    answer = [
        {
            "name": name,
            "file": f"functions/{path.parent.name}/{path.name}",
            **hook_version(path),
            "runnable": name in exchange.services.hooks.loaded,
            "errors": storage.hook_errors.recent(name, KEPT),
        }
        for name, path in files.items()
    ]
    return 200, {"hooks": answer}


def run_hook(exchange: Exchange) -> Answer:
    """The hook's answer to a sample, with nothing changed (see `dry_run`)."""
    name = exchange.path["hook"]
    loaded = exchange.services.hooks.loaded.get(name)
    if loaded is None:
        raise NotFoundError(f"no hook {name!r} can be run here; these can: {', '.join(exchange.services.hooks.loaded)}")
    sample = exchange.body()
    # The sample is the body the hook's own route would be sent; `request.user`, whom the hook is
    # told the caller acts for, is the administrator's own record unless the sample names another.
    request = expect(sample.get("request"), dict, "request") or {}
    body = {"payload": {}, **sample, "request": {"user": exchange.caller.user, **request}}
    lines: list[str] = []
    started = time.perf_counter()
    try:
        loaded.hook_type.validate_request(body)
        ctx = CapturingContext(
            hook_name=name,
            payload=body["payload"],
            request=Request(user=body["request"]["user"], original_user=body["request"].get("originalUser")),
            container=dry_run_container(exchange.services.storage),
            method=body.get("method"),
            user_fields=body.get("userFields") or [],
            locale=body.get("locale"),
            request_id=exchange.request_id,
            caller=exchange.caller.subject,
            lines=lines,
        )
        status, answer = 200, loaded.run(ctx, body, min(LONGEST_DRY_RUN_S, exchange.remaining()))
    except DahooksError as error:
        status, answer = error.status, error_body(error, exchange.request_id)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return 200, {"hook": name, "status": status, "body": answer, "logs": lines, "ms": elapsed_ms}
