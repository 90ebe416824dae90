"""What `make run` prints once it serves: where everything is, and every route with a `curl` line
that works as printed (the development token, and a body the route accepts, taken from events/)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .template import Route


def all_scopes(routes: list[Route]) -> list[str]:
    return sorted({scope for route in routes for scope in route.scopes})


def sample_bodies(template_root: Path, state_dir: Path) -> dict[str, Path]:
    """A request body per route key, taken from the first succeeding events/ fixture of that route.

    Written under `<state>/requests/` so that the printed curl lines send a request the route
    accepts (`-d @file`), not an empty object it would refuse.
    """
    bodies: dict[str, Path] = {}
    for fixture in sorted((template_root / "events").glob("*.json")):
        if fixture.stem.endswith(("-invalid", "-refused")):
            continue
        with contextlib.suppress(ValueError, OSError):
            event = json.loads(fixture.read_text(encoding="utf-8"))
            route_key, body = event.get("routeKey"), event.get("body")
            if route_key and body and route_key not in bodies:
                path = state_dir / "requests" / f"{fixture.stem}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(body, encoding="utf-8")
                bodies[route_key] = path
    return bodies


def curl_line(route: Route, url: str, token_file: Path, body_file: Path | None = None) -> str:
    auth = f' -H "Authorization: Bearer $(cat {display(token_file)})"' if route.authorized else ""
    body = ""
    if route.method in ("POST", "PUT", "PATCH"):
        data = f"@{display(body_file)}" if body_file else "'{}'"
        body = f" -H 'content-type: application/json' -d {data}"
    return f"curl -s -X {route.method} {url}{route.path}{auth}{body}"


def display(path: Path) -> str:
    """`path` relative to the working directory when it is below it (what a developer types)."""
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)


def print_banner(
    routes: list[Route], url: str, token_file: Path, *, template: Path, state_dir: Path, dynamodb: str, moto: str
) -> None:
    """The endpoints, the token file, and per route: method, path, function, scopes, and its curl line."""
    print(f"\nLocal API on {url} (template {display(template)})")
    print(f"DynamoDB Local {dynamodb} (data in {display(state_dir / 'dynamodb')})")
    print(f"moto {moto} (SQS, SSM, Secrets Manager)")
    print(f"Token with every scope ({' '.join(all_scopes(routes))}) in {display(token_file)}\n")
    path_width = max(len(route.path) for route in routes) if routes else 0
    function_width = max(len(route.function) for route in routes) if routes else 0
    bodies = sample_bodies(template.resolve().parent, state_dir)
    for route in sorted(routes, key=lambda r: (r.path, r.method)):
        scopes = f"scope {' '.join(route.scopes)}" if route.scopes else ("token" if route.authorized else "open")
        print(f"  {route.method:6} {route.path:{path_width}}  {route.function:{function_width}}  {scopes}")
        print(f"         {curl_line(route, url, token_file, bodies.get(route.route_key))}")
    print(f"\nLogs: {display(state_dir / 'logs')}/<LogicalId>.log  (make logs FUNCTION=<LogicalId>)")
    print("Ctrl-C stops everything.\n", flush=True)
