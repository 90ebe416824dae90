"""Every events/ fixture, run through the template-driven invoker (`make invoke`), answers as its name says.

A fixture's name ends with what it proves: `-invalid` is a 400 InvalidRequest, `-refused` the
hook's refusal (403 from access, 400 elsewhere), anything else a success.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from local.template import ROOT, Template

ROUTES = {route.route_key: route.function for route in Template().routes()}
HTTP_EVENTS = sorted(
    path.name for path in (ROOT / "events").glob("*.json") if json.loads(path.read_text()).get("routeKey") in ROUTES
)


def expected_status(name: str, route_key: str) -> tuple[int, str | None]:
    stem = name.removesuffix(".json")
    if stem.endswith("-invalid"):
        return 400, "InvalidRequest"
    if stem.endswith("-refused"):
        return (403 if route_key == "POST /hooks/access" else 400), "HookError"
    return 200, None


def test_every_route_has_a_fixture():
    covered = {json.loads((ROOT / "events" / name).read_text())["routeKey"] for name in HTTP_EVENTS}

    assert covered == set(ROUTES)


@pytest.mark.parametrize("name", HTTP_EVENTS)
def test_fixture_through_the_invoker_gives_the_status_its_name_promises(name):
    route_key = json.loads((ROOT / "events" / name).read_text())["routeKey"]
    status, error = expected_status(name, route_key)

    completed = subprocess.run(
        [sys.executable, "-m", "local.invoke", ROUTES[route_key], f"events/{name}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    response = json.loads(completed.stdout)
    assert response["statusCode"] == status, response
    body = json.loads(response["body"])
    if error:
        assert body["error"] == error
    for line in completed.stderr.splitlines():  # the function's log lines, each a JSON record
        assert json.loads(line)["service"] == "delegated-admin-hooks"
