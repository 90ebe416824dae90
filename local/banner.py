"""What `make run` prints once it serves: where everything is, the development machine client and
how to get its token, and every route with a `curl` line that works as printed (the development
token, and a body the route accepts, taken from events/)."""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .machine_client import CLIENT_FILE
from .paths import STATE_DIR
from .token_endpoint import TOKEN_PATH

if TYPE_CHECKING:
    from .demo_directory import LocalPool
    from .machine_client import MachineClient
    from .template import Route


# The fixture names of refusals (see tests/functional/test_events.py): a last resort for a route's sample.
REFUSALS = ("-invalid", "-refused", "-forbidden", "-not-supported", "-invalid-search")


def all_scopes(routes: list[Route]) -> list[str]:
    return sorted({scope for route in routes for scope in route.scopes})


@dataclass(frozen=True)
class Sample:
    """A request a route accepts, from an events/ fixture: its path and query, body, and the user it acts for."""

    target: str  # the path with its query string, e.g. /api/users/finance-01
    body: Path | None = None
    user: str | None = None  # the dashboard user of a users-API fixture (its token's username)


def sample_requests(template_root: Path, state_dir: Path) -> dict[str, Sample]:
    """A sample request per route key, from the first succeeding events/ fixture of that route (or,
    for a route whose every fixture is refused, its first: the line then shows the refusal).

    Bodies are written under `<state>/requests/` so that the printed curl lines send a request the
    route accepts (`-d @file`), not an empty object it would refuse.
    """
    fixtures = sorted((template_root / "events").glob("*.json"), key=lambda f: (f.stem.endswith(REFUSALS), f.name))
    samples: dict[str, Sample] = {}
    for fixture in fixtures:
        with contextlib.suppress(ValueError, OSError):
            event = json.loads(fixture.read_text(encoding="utf-8"))
            route_key = event.get("routeKey")
            if not route_key or route_key in samples:
                continue
            body = None
            if event.get("body"):
                body = state_dir / "requests" / f"{fixture.stem}.json"
                body.parent.mkdir(parents=True, exist_ok=True)
                body.write_text(event["body"], encoding="utf-8")
            query = f"?{event['rawQueryString']}" if event.get("rawQueryString") else ""
            claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt", {}).get("claims") or {}
            user = claims.get("username") if claims.get("token_use") == "access" else None
            samples[route_key] = Sample(f"{event.get('rawPath') or route_key.split(' ', 1)[1]}{query}", body, user)
    return samples


def curl_line(route: Route, url: str, token: str, sample: Sample | None = None) -> str:
    """A curl command for `route`, with `token` (a shell expression) and the sample's path and body."""
    auth = f' -H "Authorization: Bearer {token}"' if route.authorized else ""
    body = ""
    if route.method in ("POST", "PUT", "PATCH"):
        data = f"@{display(sample.body)}" if sample and sample.body else "'{}'"
        body = f" -H 'content-type: application/json' -d {data}"
    target = sample.target if sample and "{" in route.path else route.path
    return f"curl -s -X {route.method} '{url}{target}'{auth}{body}"


def user_token_command(user: str, state_dir: Path) -> str:
    """The shell expression that prints a token of the user pool for `user`."""
    if state_dir.resolve() == STATE_DIR.resolve():
        return f"$(make -s token USER={user})"
    return f"$({sys.executable} -m local.dev_token --user {user} --state-dir {display(state_dir)})"


def token_curl_line(url: str, client: MachineClient) -> str:
    """How a machine client gets a token from the local issuer, as from Auth0's `/oauth/token`."""
    return (
        f"curl -s -X POST {url}{TOKEN_PATH} -d grant_type=client_credentials"
        f" -d client_id={client.client_id} -d client_secret={client.client_secret}"
    )


def display(path: Path) -> str:
    """`path` relative to the working directory when it is below it (what a developer types)."""
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def print_banner(
    routes: list[Route],
    url: str,
    token_file: Path,
    *,
    template: Path,
    state_dir: Path,
    dynamodb: str,
    moto: str,
    client: MachineClient,
    cognito: LocalPool | None = None,
    dashboard: bool = False,
    table_prefix: str | None = None,
) -> None:
    """The endpoints, the token file, the machine client, and per route: method, path, function,
    scopes, and its curl line; with a user pool, how to call the users API as a dashboard user.
    `table_prefix`: the stack uses a DynamoDB Local already running, its tables named with it."""
    print(f"\nLocal API on {url} (template {display(template)})")
    if table_prefix is None:
        print(f"DynamoDB Local {dynamodb} (data in {display(state_dir / 'dynamodb')})")
    else:
        tables = (
            f"this stack's tables start with {table_prefix!r}" if table_prefix else "tables named as in the template"
        )
        print(f"DynamoDB Local {dynamodb} (already running; {tables})")
    print(f"moto {moto} (SQS, SSM, Secrets Manager)")
    if cognito is not None:
        print(f"Cognito {cognito.endpoint}, user pool {cognito.pool_id} (kept in {display(state_dir / 'cognito')})")
    print(f"Machine token with every scope ({' '.join(all_scopes(routes))}) in {display(token_file)}")
    print(f"Machine client {client.client_id}, secret {client.client_secret} (in {display(state_dir / CLIENT_FILE)}):")
    print(f"         {token_curl_line(url, client)}\n")
    path_width = max(len(route.path) for route in routes) if routes else 0
    function_width = max(len(route.function) for route in routes) if routes else 0
    samples = sample_requests(template.resolve().parent, state_dir)
    for route in sorted(routes, key=lambda r: (r.path, r.method)):
        sample = samples.get(route.route_key)
        scopes = f"scope {' '.join(route.scopes)}" if route.scopes else ("token" if route.authorized else "open")
        token = f"$(cat {display(token_file)})"
        if sample and sample.user:
            scopes, token = f"as {sample.user}", user_token_command(sample.user, state_dir)
        print(f"  {route.method:6} {route.path:{path_width}}  {route.function:{function_width}}  {scopes}")
        print(f"         {curl_line(route, url, token, sample)}")
    if cognito is not None:
        print(
            "\nThe users API (/api) takes a dashboard user's own token from the user pool: kelly (Finance, user),"
            "\noscar (Finance, operator), amy (HR, auditor), ian (IT, administrator), nora (no department)."
            "\nThe users kelly, the Finance department's admin, may see:"
        )
        print(f'  curl -s {url}/api/users -H "Authorization: Bearer {user_token_command("kelly", state_dir)}"')
    if dashboard:
        print(f"\nThe dashboard: {url}/ (sign in by picking a demo user; in AWS, the user pool's managed login)")
    print(f"\nLogs: {display(state_dir / 'logs')}/<LogicalId>.log  (make logs FUNCTION=<LogicalId>)")
    print("Ctrl-C stops everything.\n", flush=True)
