"""The dashboard in Chromium against the local stack: what each demo user sees and may do, signing in
through the local managed login (authorization code with PKCE) as the pages do in AWS.

What the directory holds is read from the emulator (`UserPool.users`), so a listing is checked
against the truth. Tests that change users change users of their own, added behind the API's back.
Every page a test reaches is checked by axe-core for serious and critical violations.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from dahooks.storage import HookFailure
from local.paths import ROOT
from local.testing import serious_violations, sign_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from local.testing import RunningStack, UserPool

HR_REFUSAL = "You can only access users within your own department."


def accessible(page: Any) -> None:
    assert serious_violations(page) == []


def listed_usernames(page: Any) -> list[str]:
    """The usernames of the shown page of the user list (its third column)."""
    page.get_by_role("table").wait_for()
    return page.locator("table.users tbody tr td:nth-child(3)").all_inner_texts()


def every_listed_username(page: Any) -> list[str]:
    """Every page of the list, following "Next page" to the end."""
    names = listed_usernames(page)
    while page.get_by_role("button", name="Next page").count():
        caption = page.locator("table.users caption").inner_text()
        page.get_by_role("button", name="Next page").click()
        page.locator("table.users caption").filter(has_not_text=caption).wait_for()
        names += listed_usernames(page)
    return names


def page_caption(count: int, per_page: int = 10) -> str:
    """The caption of the last page of a list of `count` users."""
    return f"Page {-(-count // per_page)}"


def finance_usernames(pool: UserPool) -> set[str]:
    return {user["username"] for user in pool.users() if user["app_metadata"].get("department") == "Finance"}


# --------------------------------------------------------------------------- kelly, Finance's admin


def test_the_sign_in_pages_are_accessible_and_the_token_stays_in_memory(
    open_page: Callable[..., Any], snapshot: Callable[[Any, str], None]
) -> None:
    page = open_page()
    page.goto("/")
    page.get_by_role("heading", name="Sign in").wait_for()
    accessible(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Local sign-in").wait_for()
    accessible(page)
    snapshot(page, "local-sign-in")
    page.locator('button[name="username"][value="kelly"]').click()
    page.get_by_role("button", name="Sign out").wait_for()

    assert page.url.endswith("/#/users")  # the code and state are gone from the address
    stored = page.evaluate("() => JSON.stringify([localStorage, sessionStorage, document.cookie])")
    assert "eyJ" not in stored  # no token (a JWT) is kept anywhere but in the page's memory
    page.reload()
    page.get_by_role("heading", name="Sign in").wait_for()  # so a reload signs in again


def test_kelly_sees_exactly_the_finance_users(open_page: Callable[..., Any], pool: UserPool) -> None:
    page = open_page()
    sign_in(page, "kelly")
    page.get_by_role("heading", name="Users", exact=True).wait_for()
    assert page.locator("#title").inner_text() == "Finance User Management"  # the settings hook's dict.title
    accessible(page)

    listed = every_listed_username(page)

    assert len(listed) == len(set(listed))
    assert set(listed) == finance_usernames(pool)
    assert len(listed) > 10  # more than one page: the pages were followed
    last_page = listed_usernames(page)
    page.get_by_role("button", name="Previous page").click()
    page.locator("table.users caption").filter(has_not_text=page_caption(len(listed))).wait_for()
    assert listed_usernames(page) == listed[-len(last_page) - 10 : -len(last_page)]  # the page before, again


def test_kelly_searches(open_page: Callable[..., Any]) -> None:
    page = open_page()
    sign_in(page, "kelly")
    page.get_by_label("Search users").fill("finance-03")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Results for “finance-03”").wait_for()

    assert listed_usernames(page) == ["finance-03"]
    page.get_by_label("Search users").fill("hr-03")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("No user matches.").wait_for()  # HR's users are outside her filter
    accessible(page)


def test_kelly_creates_a_user_in_finance_and_finds_it(
    open_page: Callable[..., Any], snapshot: Callable[[Any, str], None], pool: UserPool
) -> None:
    username = f"dash-{uuid.uuid4().hex[:8]}@example.com"  # the shipped write hook names users by e-mail
    page = open_page()
    sign_in(page, "kelly")
    page.get_by_role("link", name="Create user").click()
    page.get_by_role("heading", name="Create user").wait_for()
    accessible(page)
    assert page.get_by_role("group", name="Departments").get_by_label("Finance").is_checked()  # dict.memberships

    assert page.get_by_label("Username").count() == 0  # no userField asks for one
    page.get_by_label("Email (required)").fill(username)
    page.get_by_label("Password", exact=True).fill("Dashboard-pass-1")
    page.get_by_label("Repeat password").fill("Dashboard-pass-1")
    snapshot(page, "form")
    page.get_by_role("button", name="Create user").click()

    page.get_by_text(f"Created {username}.").wait_for()
    assert page.locator(".details").get_by_text("Finance").count()
    assert pool.exists(username)
    page.get_by_role("link", name="Users").click()
    page.get_by_label("Search users").fill(username)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name=f"Results for “{username}”").wait_for()
    assert listed_usernames(page) == [username]


def test_kelly_is_refused_hr_with_the_hooks_message(open_page: Callable[..., Any]) -> None:
    page = open_page()
    sign_in(page, "kelly")
    page.goto("/#/user/hr-01")

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == HR_REFUSAL
    accessible(page)


def kelly_on_a_new_finance_user(open_page: Callable[..., Any], pool: UserPool, prefix: str) -> tuple[Any, str]:
    """Kelly signed in, on the page of a Finance user of the test's own (added behind the API's back)."""
    username = f"{prefix}-{uuid.uuid4().hex[:6]}"
    pool.add(username, "Finance")
    page = open_page()
    sign_in(page, "kelly")
    page.goto(f"/#/user/{username}")
    page.get_by_role("heading", name="Actions").wait_for()
    return page, username


def test_kelly_blocks_and_unblocks(open_page: Callable[..., Any], pool: UserPool) -> None:
    page, username = kelly_on_a_new_finance_user(open_page, pool, "dash-block")
    accessible(page)

    page.get_by_role("button", name="Block", exact=True).click()
    page.get_by_text("Block: done.").wait_for()
    assert page.locator(".details dd").filter(has_text="Blocked").count() == 1
    assert _blocked(pool, username)

    page.get_by_role("button", name="Unblock").click()
    page.get_by_text("Unblock: done.").wait_for()
    assert page.get_by_role("button", name="Block", exact=True).is_visible()
    assert not _blocked(pool, username)


def test_kelly_is_refused_a_delete_with_the_hooks_message_and_nothing_is_deleted(
    open_page: Callable[..., Any], pool: UserPool
) -> None:
    page, username = kelly_on_a_new_finance_user(open_page, pool, "dash-delete")
    page.get_by_role("button", name="Delete user").click()
    page.get_by_role("heading", name="Delete user").wait_for()
    page.get_by_role("button", name="Delete", exact=True).click()

    alert = page.locator(".messages").get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == "You are not allowed to delete users."  # the access hook's own words
    assert pool.exists(username)
    assert page.get_by_role("heading", name=username).is_visible()  # still on the user's page


def _blocked(pool: UserPool, username: str) -> bool:
    return next(user["blocked"] for user in pool.users() if user["username"] == username)


def test_the_settings_hooks_title_menu_name_css_and_user_fields_are_applied(open_page: Callable[..., Any]) -> None:
    page = open_page()
    settings = {
        "dict": {"title": "Fabrikam Users", "menuName": "Kelly from Finance", "memberships": "Teams"},
        "css": "/themes/test.css",
        "userFields": [
            {"property": "email", "label": "Email", "edit": False},
            {
                "property": "user_metadata.plan",
                "label": "Plan",
                "create": {"required": True, "options": [{"value": "free", "label": "Free"}, "Paid"]},
            },
        ],
    }
    page.route("**/api/settings", lambda route: route.fulfill(json={"settings": settings}))
    theme = "h1 { letter-spacing: 3px; }"
    page.route("**/themes/test.css", lambda route: route.fulfill(body=theme, content_type="text/css"))
    sign_in(page, "kelly")
    page.get_by_role("heading", name="Users", exact=True).wait_for()

    assert page.locator("#title").inner_text() == "Fabrikam Users"
    assert page.title() == "Users – Fabrikam Users"
    assert page.locator("#account").inner_text().startswith("Kelly from Finance")
    page.wait_for_function("getComputedStyle(document.querySelector('h1')).letterSpacing === '3px'")
    page.goto("/#/user/finance-02")
    page.get_by_role("heading", name="Actions").wait_for()
    assert page.get_by_role("button", name="Change password").count() == 1
    assert page.get_by_role("button", name="Change email").count() == 0  # its userField says edit: false
    page.get_by_role("link", name="Create user").click()
    page.get_by_role("group", name="Teams").wait_for()
    assert page.get_by_label("Email (required)").count() == 1
    plan = page.get_by_label("Plan (required)")  # a userField's create rules: a required choice
    assert plan.evaluate("element => [element.tagName, element.required]") == ["SELECT", True]
    assert plan.locator("option").all_inner_texts() == ["Choose…", "Free", "Paid"]


def test_the_list_fits_a_phone(open_page: Callable[..., Any], snapshot: Callable[[Any, str], None]) -> None:
    page = open_page(phone=True)
    sign_in(page, "kelly")
    page.get_by_role("table").wait_for()
    accessible(page)
    snapshot(page, "list")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    table = page.locator("table.users")
    assert table.evaluate("table => table.parentElement.scrollWidth <= table.parentElement.clientWidth")  # nor the list
    status = table.locator("tbody tr").first.locator("td").last
    assert status.inner_text() == "Active"
    assert status.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Status"'  # named beside its value
    page.locator("table.users a").first.click()
    page.get_by_role("heading", name="Actions").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_kelly_finds_and_blocks_a_user_with_the_keyboard_alone(open_page: Callable[..., Any], pool: UserPool) -> None:
    username = f"dash-keys-{uuid.uuid4().hex[:6]}"
    pool.add(username, "Finance")
    page = open_page()
    page.goto("/")
    page.get_by_role("heading", name="Sign in").wait_for()
    page.keyboard.press("Enter")  # the sign-in button has the focus
    page.get_by_role("heading", name="Local sign-in").wait_for()
    tab_to(page, "kelly")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Users", exact=True).wait_for()

    page.keyboard.press("Tab")  # from the page's heading (focused, so a screen reader reads it) to the search
    assert focused(page)["label"] == "Search users"
    page.keyboard.type(username)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=f"Results for “{username}”").wait_for()
    tab_to(page, f"#/user/{username}")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Actions").wait_for()
    tab_to(page, "Block")
    assert focused(page)["outline"] != "none"  # where the focus is can be seen
    page.keyboard.press("Enter")
    page.get_by_text("Block: done.").wait_for()

    assert _blocked(pool, username)
    tab_to(page, "#main", key="Shift+Tab")  # back to the first stop: the link past the menu
    assert focused(page)["visible"]  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith(f"/#/user/{username}")  # the same page, not one named "#main"


def focused(page: Any) -> dict[str, Any]:
    """What has the keyboard focus: its text (a link's: its target too), its label, its outline and whether
    it is on screen."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const box = element.getBoundingClientRect();
            return {
                text: element.getAttribute("href") || element.innerText?.trim() || "",
                label: element.labels?.[0]?.innerText || "",
                outline: getComputedStyle(element).outlineStyle,
                visible: box.right > 0 && box.bottom > 0 && box.width > 0,
            };
        }"""
    )


def tab_to(page: Any, text: str, most: int = 40, key: str = "Tab") -> None:
    """Press Tab (or `key`) until the focused element's text (a link's: its target) begins with `text`."""
    for _ in range(most):
        page.keyboard.press(key)
        if focused(page)["text"].startswith(text):
            return
    raise AssertionError(f"{text!r} cannot be reached with Tab")


# --------------------------------------------------------------------------- the other roles


def test_amy_sees_no_action_that_changes_anything(
    open_page: Callable[..., Any], snapshot: Callable[[Any, str], None]
) -> None:
    page = open_page()
    sign_in(page, "amy")
    page.get_by_role("table").wait_for()
    assert page.locator("#menu").get_by_role("link").all_inner_texts() == ["Users"]
    page.locator("table.users a").first.click()
    page.locator(".details").wait_for()
    accessible(page)

    assert page.get_by_role("heading", name="Actions").count() == 0
    assert page.locator("main").get_by_role("button").all_inner_texts() == ["Show this user's log"]
    snapshot(page, "user")
    page.goto("/#/create")
    page.get_by_role("heading", name="Not found").wait_for()


def test_oscar_reads_the_audit_log(open_page: Callable[..., Any]) -> None:
    page = open_page()
    sign_in(page, "oscar")
    page.goto("/#/user/hr-02")  # refused: the refusal is recorded
    page.get_by_role("alert").wait_for()
    page.get_by_role("link", name="Logs").click()
    page.get_by_role("heading", name="Logs").wait_for()
    accessible(page)

    first = page.locator("tbody tr").first
    assert first.locator("td").nth(1).inner_text() == "oscar"
    assert first.locator("td").nth(3).inner_text() == "hr-02"
    assert first.locator("td").nth(5).inner_text() == HR_REFUSAL


# --------------------------------------------------------------------------- ian, the administrator


def _custom_data_editor(page: Any) -> Any:
    page.goto("/#/config")
    editor = page.get_by_label("Custom data (JSON)")
    editor.wait_for()
    page.locator(".version").filter(has_text="Version").wait_for()
    return editor


def test_ian_edits_custom_data_meets_a_conflict_from_a_second_tab_and_resolves_it(
    open_page: Callable[..., Any], snapshot: Callable[[Any, str], None], dashboard_stack: RunningStack, pool: UserPool
) -> None:
    marker = uuid.uuid4().hex[:8]
    first, second = open_page(), open_page()
    sign_in(first, "ian")
    sign_in(second, "ian")
    mine_editor, theirs_editor = _custom_data_editor(first), _custom_data_editor(second)
    accessible(first)
    original = json.loads(mine_editor.input_value())

    theirs = {**original, "dashboard-test": f"theirs-{marker}"}
    theirs_editor.fill(json.dumps(theirs, indent=2))
    second.get_by_role("button", name="Save").click()
    second.get_by_text("Saved as version").wait_for()

    mine = {**original, "dashboard-test": f"mine-{marker}", "padding": "x" * 1000}
    mine_editor.fill(json.dumps(mine, indent=2))
    size = len(json.dumps(mine, separators=(",", ":")).encode())
    assert first.locator("#data-size").inner_text().startswith(f"{size:,} of 409,600 bytes")
    assert float(first.locator("meter").get_attribute("value") or 0) == pytest.approx(size)
    first.get_by_role("button", name="Save").click()

    conflict = first.locator(".conflict")
    conflict.wait_for()
    assert f"theirs-{marker}" in conflict.locator("figure").nth(1).inner_text()
    accessible(first)
    snapshot(first, "conflict")
    first.get_by_role("button", name="Keep mine").click()
    first.get_by_text("Saved as version").wait_for()

    stored = dashboard_stack.request("GET", "/api/config/custom-data", token=pool.token("ian")).json()
    assert stored["data"] == mine


def test_ian_sees_each_hooks_version_and_its_last_failures(
    open_page: Callable[..., Any], dashboard_stack: RunningStack
) -> None:
    request_id = f"dash-{uuid.uuid4().hex[:8]}"
    # As the write hook's function keeps a failure (its own partition of the stack's table).
    failure = HookFailure("write", "HookFailed", "The write hook failed.", "KeyError: 'x'", request_id, "WriteFunction")
    assert dashboard_stack.storage().hook_errors.record(failure)
    page = open_page()
    sign_in(page, "ian")
    page.goto("/#/config")

    write = page.locator("table.hooks").get_by_role("row", name="write")
    write.get_by_text(request_id).wait_for()
    digest = hashlib.sha256((ROOT / "functions" / "write" / "hook.py").read_bytes()).hexdigest()
    assert write.locator("code").inner_text() == digest[:12]
    assert write.locator("code").get_attribute("title") == digest
    assert "HookFailed — KeyError: 'x' (WriteFunction" in write.locator("ul.errors").inner_text()
    accessible(page)


def test_the_runner_shows_a_hooks_answer(open_page: Callable[..., Any]) -> None:
    page = open_page()
    sign_in(page, "ian")
    page.goto("/#/config")
    page.get_by_label("Hook", exact=True).select_option("access")
    sample = {
        "payload": {"action": "read:user", "user": {"user_id": "hr-01", "app_metadata": {"department": "HR"}}},
        "request": {"user": {"user_id": "kelly", "app_metadata": {"department": "Finance"}}},
    }
    page.get_by_label("Sample request (JSON)").fill(json.dumps(sample))
    page.get_by_role("button", name="Run").click()

    page.get_by_role("heading", name="The access hook answered 403").wait_for()
    answer = json.loads(page.locator("pre.answer").inner_text())
    assert answer["message"] == HR_REFUSAL
    assert "Verifying access: HR Finance" in page.locator(".output").inner_text()
    hooks = page.locator("table.hooks")
    assert hooks.get_by_role("row", name="access").locator("code").inner_text().strip() != ""
    accessible(page)
