"""`make dae-hooks URL=https://...`: the JavaScript that keeps the extension's dashboard and runs its hooks here.

For every hook type (`dahooks.hook_types.HOOK_TYPES`) the route comes from template.yaml (the POST
route of the function whose folder is the hook type's), and the rest from the registry: the status
a refusal answers with, and the field of our answer that is the hook's own. Written to OUT (default
`.local/dae-hooks/`):

- `<hook>.js` — paste into the extension's hook editor (Configuration page, the hook of that title);
- `post-user-registration-action.js` — the code of a Post User Registration Auth0 Action;
- `custom-data.json` — the key the forwarding hooks read from the extension's custom data;
- `README.md` — which file goes where.

    python -m tools.dae.forwarding --url https://abc123.execute-api.eu-west-1.amazonaws.com [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from dahooks.hook_types import HOOK_TYPES, POST_USER_REGISTRATION
from local.paths import STATE_DIR
from local.template import Template

from .extension import EXTENSION_HOOKS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dahooks.hook_types import HookType
    from local.template import Route

TEMPLATES = Path(__file__).with_name("templates")
HOOK_TEMPLATE = TEMPLATES / "forwarding-hook.js"
ACTION_TEMPLATE = TEMPLATES / "post-user-registration-action.js"
ACTION_FILE = "post-user-registration-action.js"
DEFAULT_OUT = STATE_DIR / "dae-hooks"

# The extension's custom data key holding the machine client, and ctx.global's key for its token.
CUSTOM_DATA_KEY = "awsHooks"
TOKEN_KEY = "awsHooksToken"  # noqa: S105 - a key name, no token
# A forwarding hook calls back within this many milliseconds, whatever the network does: well
# inside the extension's own request (its dashboard gives up on some calls after 5 s).
DEFAULT_BUDGET_MS = 4000
BUDGET_RANGE_MS = (500, 15000)
# The Action: each request's timeout and the attempts at delivering, inside the Actions' 20 s.
ACTION_REQUEST_TIMEOUT_MS = 4000
ACTION_ATTEMPTS = 2
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class GeneratorError(ValueError):
    """The URL or the template does not allow forwarding hooks to be written; the message says why."""


def api_base(url: str) -> str:
    """The API's base URL without a trailing slash: https, or http on this machine only (for testing)."""
    url = url.strip()
    if not (url.isascii() and url.isprintable()) or " " in url:
        raise GeneratorError("URL must be printable ASCII without spaces (an international host name in its xn-- form)")
    parts = urlsplit(url)
    if not parts.hostname or parts.query or parts.fragment or parts.username or parts.password:
        raise GeneratorError(
            f"URL must be the API's base URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com, not {url!r}"
        )
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS):
        raise GeneratorError("URL must be https (http only for 127.0.0.1 or localhost, to test against `make run`)")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _folder_of(template: Template, route: Route) -> str:
    return template.functions()[route.function].code_uri.name


def hook_routes(template: Template) -> dict[str, Route]:
    """Each hook type's POST route, found through the function whose folder is the hook type's."""
    by_folder = {_folder_of(template, route): route for route in template.routes() if route.method == "POST"}
    missing = [hook.name for hook in HOOK_TYPES.values() if hook.folder not in by_folder]
    if missing:
        raise GeneratorError(f"template.yaml has no POST route for the hook types {', '.join(missing)}")
    return {hook.name: by_folder[hook.folder] for hook in HOOK_TYPES.values()}


def registration_route(template: Template) -> Route:
    """The POST route of the Post User Registration intake (its function's folder bears the hook's name)."""
    for route in template.routes():
        if route.method == "POST" and _folder_of(template, route) == POST_USER_REGISTRATION:
            return route
    raise GeneratorError(f"template.yaml has no POST route served from functions/{POST_USER_REGISTRATION}/")


def _render(template: Path, config: dict[str, Any], **texts: str) -> str:
    source = template.read_text(encoding="utf-8")
    # JSON with every non-ASCII character escaped is a JavaScript literal that no value can break out of.
    source = source.replace("__FORWARDING_CONFIG__", json.dumps(config, ensure_ascii=True, sort_keys=True))
    for name, text in texts.items():
        # Texts go into // comments: a line break of any kind would end the comment.
        if not (text.isascii() and text.isprintable()):
            raise GeneratorError(f"{name} must be printable ASCII on one line: {text!r}")
        source = source.replace(f"__{name}__", text)
    return source


def forwarding_hook(hook: HookType, route: Route, base_url: str, budget_ms: int = DEFAULT_BUDGET_MS) -> str:
    """The JavaScript of the forwarding hook for `hook`, posting to `base_url` + its route."""
    low, high = BUDGET_RANGE_MS
    if not low <= budget_ms <= high:
        raise GeneratorError(f"the budget must be between {low} and {high} ms, not {budget_ms}")
    url = api_base(base_url) + route.path
    config = {
        "label": f"{hook.name} hook",
        "url": url,
        "refusalStatus": hook.refusal_status,
        "resultField": hook.result_field,
        "budgetMs": budget_ms,
        "customDataKey": CUSTOM_DATA_KEY,
        "tokenKey": TOKEN_KEY,
    }
    title = EXTENSION_HOOKS[hook.name].title
    return _render(
        HOOK_TEMPLATE,
        config,
        TITLE=f"{title}: paste into the extension's editor.",
        ROUTE=url,
        CUSTOM_DATA_KEY=CUSTOM_DATA_KEY,
    )


def registration_action(route: Route, base_url: str) -> str:
    """The code of the Post User Registration Action, posting to `base_url` + the intake's route."""
    url = api_base(base_url) + route.path
    config = {
        "label": f"{POST_USER_REGISTRATION} action",
        "url": url,
        "tokenKey": TOKEN_KEY,
        "requestTimeoutMs": ACTION_REQUEST_TIMEOUT_MS,
        "attempts": ACTION_ATTEMPTS,
    }
    return _render(ACTION_TEMPLATE, config, ROUTE=url)


def custom_data_example() -> dict[str, Any]:
    """What to add to the extension's custom data (Configuration page) for the forwarding hooks."""
    return {
        CUSTOM_DATA_KEY: {
            "tokenUrl": "https://YOUR_TENANT.auth0.com/oauth/token",
            "clientId": "THE_MACHINE_CLIENT_ID",
            "clientSecret": "THE_MACHINE_CLIENT_SECRET",
            "audience": "THE_JwtAudience_OF_THE_STACK",
        }
    }


@dataclass(frozen=True)
class Written:
    """One generated file, and where it goes."""

    path: Path
    destination: str


def write_all(
    out: Path, base_url: str, budget_ms: int = DEFAULT_BUDGET_MS, template: Template | None = None
) -> list[Written]:
    """Write every forwarding hook, the Action, the custom data example and a README to `out`."""
    template = template or Template()
    routes = hook_routes(template)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Written] = []
    for name, hook in HOOK_TYPES.items():
        path = out / f"{name}.js"
        path.write_text(forwarding_hook(hook, routes[name], base_url, budget_ms), encoding="utf-8")
        written.append(Written(path, f"the extension's Configuration page, {EXTENSION_HOOKS[name].title}"))
    action = out / ACTION_FILE
    action.write_text(registration_action(registration_route(template), base_url), encoding="utf-8")
    written.append(Written(action, "an Auth0 Action on the Post User Registration trigger (Node 18 or later)"))
    example = out / "custom-data.json"
    example.write_text(json.dumps(custom_data_example(), indent=2) + "\n", encoding="utf-8")
    written.append(Written(example, f'the extension\'s custom data: add the key "{CUSTOM_DATA_KEY}", with real values'))
    readme = out / "README.md"
    lines = [
        f"# Forwarding hooks for {api_base(base_url)}",
        "",
        "Generated by `make dae-hooks`; docs/migration.md explains each step.",
        "",
        *(f"- `{item.path.name}`: {item.destination}" for item in written),
        "",
    ]
    readme.write_text("\n".join(lines), encoding="utf-8")
    return [*written, Written(readme, "this list")]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the API's base URL (the stack's ApiUrl output)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the files")
    parser.add_argument("--budget-ms", type=int, default=DEFAULT_BUDGET_MS, help="each hook calls back within this")
    args = parser.parse_args(argv)
    try:
        written = write_all(args.out, args.url, args.budget_ms)
    except GeneratorError as error:
        print(f"dae-hooks: {error}", file=sys.stderr)
        return 2
    for item in written:
        print(f"{item.path}  ->  {item.destination}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
