"""The dashboard in a real browser, Debian's Chromium headless shell driven by Playwright, on a local
stack of its own.

The stack is `make run`'s, started for the browser tests alone (`dashboard_stack`): the other tests of
the session's `local_stack` (schemathesis most) already make the longest chain of tests one xdist
worker runs, and the browser tests, as long again, would double it. One browser for the module and a
fresh context (cookies, storage, memory: a new browser profile in effect) for each page a test
opens; axe-core is loaded into a page when a test checks it. A test fails on any error the page
reports (a script error, a missing file, a Content-Security-Policy violation); the API's own refusals
(a 4xx the page shows) are what several tests are about, so the console's note of them is not one. Each test leaves
a screenshot of every page it opened in `.local/test-output/dashboard/`, named after the test.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from local.paths import STATE_DIR, TEMPLATE
from local.testing import UserPool, launch_chromium, start_stack

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from local.testing import RunningStack

OUTPUT = STATE_DIR / "test-output" / "dashboard"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, until the module's last test: Playwright's sync API runs an event loop on the thread
    while it is open, and the tests an xdist worker runs next (`asyncio.run` in one) must find none."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def dashboard_stack(tmp_path_factory: pytest.TempPathFactory, shared_dynamodb: str) -> Iterator[RunningStack]:
    """template.yaml's API and the dashboard's pages, served as `make run` serves them; the workers
    of the few functions the dashboard calls started at its first call of each."""
    stack = start_stack(
        TEMPLATE,
        tmp_path_factory.mktemp("dashboard-stack"),
        "--quiet",
        warm_containers="LAZY",
        dynamodb_endpoint=shared_dynamodb,
    )
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def pool(dashboard_stack: RunningStack) -> UserPool:
    return UserPool.of_stack(dashboard_stack.state_dir)


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> Callable[[Any, str], None]:
    """snapshot(page, "conflict"): a screenshot of a state the test passes through, beside its last one."""

    def take(page: Any, label: str) -> None:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"{_name(request)}-{label}.png"), full_page=True)

    return take


@pytest.fixture
def open_page(
    browser: Any, dashboard_stack: RunningStack, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """open_page(phone=False) -> a new page in a context of its own, on the stack's origin."""
    opened: list[tuple[Any, Any, list[str]]] = []

    def open_one(*, phone: bool = False) -> Any:
        context = browser.new_context(base_url=dashboard_stack.url, viewport=PHONE if phone else DESKTOP)
        context.set_default_timeout(15_000)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: problems.extend(_problem(message)))
        opened.append((context, page, problems))
        return page

    yield open_one
    OUTPUT.mkdir(parents=True, exist_ok=True)
    name = _name(request)
    for index, (context, page, problems) in enumerate(opened):
        suffix = f"-{index + 1}" if len(opened) > 1 else ""
        page.screenshot(path=str(OUTPUT / f"{name}{suffix}.png"), full_page=True)
        context.close()
        assert problems == [], problems


def _name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^\w-]+", "_", request.node.name)


def _problem(message: Any) -> list[str]:
    """The console message as a problem, unless it is only Chromium noting an API answer of 4xx."""
    if message.type != "error":
        return []
    url = str((message.location or {}).get("url", ""))
    if "Failed to load resource" in message.text and "/api/" in url:
        return []
    return [f"console: {message.text} ({url})"]
