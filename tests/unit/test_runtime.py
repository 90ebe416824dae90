"""The handler wrapper: validation, both hook styles, deadlines, result checking and the documented error bodies."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from dahooks.exceptions import ServiceUnavailableError
from local.lambda_runtime import LambdaContext
from local.testing import KELLY, TESTER, call_hook, hook_from_source, http_event

ACCESS_BODY = {"request": {"user": KELLY}, "payload": {"action": "read:user", "user": KELLY}}


def assert_error(result: tuple[int, Any], status: int, code: str, message: str | None = None) -> dict[str, Any]:
    actual_status, body = result
    assert actual_status == status, body
    assert body["error"] == code
    assert body["requestId"] == "test-request"
    assert "Traceback" not in body["message"]
    if message is not None:
        assert body["message"] == message
    return body


# --------------------------------------------------------------------------- request validation


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("{not json", "body"),
        ("", "body"),
        ("[1, 2]", "body"),
        ('"a string"', "body"),
        ('{"request": []}', "request"),
        ('{"request": {"user": "kelly"}}', "request.user"),
        ('{"request": {"user": {}, "originalUser": 3}}', "request.originalUser"),
        ('{"payload": "x"}', "payload"),
        ('{"userFields": {}}', "userFields"),
        ('{"locale": 5}', "locale"),
        ('{"method": "delete"}', "method"),
        ('{"method": true}', "method"),
        # Several wrong fields: the first checked is named (the request and its users, then the rest).
        ('{"payload": 1, "request": {"user": 2}}', "request.user"),
        ('{"request": {"originalUser": 1, "user": 2}}', "request.user"),
        ('{"method": 1, "locale": 2, "userFields": 3, "payload": 4}', "payload"),
        ('{"method": 1, "locale": 2, "userFields": 3}', "userFields"),
        ('{"method": 1, "locale": 2}', "locale"),
    ],
)
def test_malformed_body_is_400_naming_the_field(tmp_path, raw, field):
    function = hook_from_source(tmp_path, "settings", "def hook(ctx): return {}")

    body = assert_error(call_hook(function, raw=raw), 400, "InvalidRequest")

    assert body["field"] == field
    assert body["message"].startswith(field)


@pytest.mark.parametrize("method", ["create", "reset_password", "verify_email", "block_user"])
def test_custom_domain_hook_gets_the_operation_the_extension_names_as_its_method(tmp_path, method):
    source = f"def hook(ctx): return {{'useCanonicalDomain': True}} if ctx.method == {method!r} else {{}}"
    function = hook_from_source(tmp_path, "custom-domain", source)

    assert call_hook(function, {"method": method}) == (200, {"useCanonicalDomain": True})


@pytest.mark.parametrize("method", ["Reset-Password", "a" * 65, "", "drop table"])
def test_custom_domain_method_that_is_no_operation_name_is_400(tmp_path, method):
    function = hook_from_source(tmp_path, "custom-domain", "def hook(ctx): return {}")

    body = assert_error(call_hook(function, {"method": method}), 400, "InvalidRequest")

    assert body["field"] == "method"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"user": KELLY}, "payload.action"),
        ({"action": "read:user"}, "payload.user"),
        ({"action": "read:user", "user": "kelly"}, "payload.user"),
        ({"action": "drop:tables", "user": KELLY}, "payload.action"),
        ({"action": 7, "user": KELLY}, "payload.action"),
    ],
)
def test_access_request_needs_a_known_action_and_a_user(tmp_path, payload, field):
    function = hook_from_source(tmp_path, "access", None)

    body = assert_error(call_hook(function, {"request": {"user": KELLY}, "payload": payload}), 400, "InvalidRequest")

    assert body["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"payload": {}}, "method"),
        ({"method": "upsert", "payload": {}}, "method"),
        ({"method": "create"}, "payload"),
        ({"method": "create", "payload": {"email": 42}}, "payload.email"),
        ({"method": "create", "payload": {"memberships": "Finance"}}, "payload.memberships"),
        ({"method": "create", "payload": {"memberships": [1]}}, "payload.memberships[0]"),
        ({"method": "create", "payload": {"app_metadata": []}}, "payload.app_metadata"),
        ({"method": "create", "payload": {"memberships": ["IT", None]}}, "payload.memberships[1]"),
        ({"method": "create", "payload": {"memberships": 1, "username": 2, "email": 3}}, "payload.email"),
        ({"method": "create", "payload": {"memberships": 1, "app_metadata": 2}}, "payload.app_metadata"),
        ({"method": "update", "payload": {}}, "request.originalUser"),
    ],
)
def test_write_request_needs_a_method_and_well_typed_payload(tmp_path, body, field):
    function = hook_from_source(tmp_path, "write", None)

    assert assert_error(call_hook(function, body), 400, "InvalidRequest")["field"] == field


def test_body_over_one_mebibyte_is_413(tmp_path):
    function = hook_from_source(tmp_path, "settings", "def hook(ctx): return {}")
    padding = "x" * (1024 * 1024 - len('{"locale": ""}') + 1)

    assert_error(call_hook(function, raw=json.dumps({"locale": padding})), 413, "PayloadTooLarge")


def test_body_of_exactly_one_mebibyte_is_accepted(tmp_path):
    function = hook_from_source(tmp_path, "settings", "def hook(ctx): return {}")
    padding = "x" * (1024 * 1024 - len('{"locale":""}'))

    assert call_hook(function, raw=json.dumps({"locale": padding}, separators=(",", ":")))[0] == 200


def test_base64_body_is_decoded_and_invalid_utf8_is_400(tmp_path):
    function = hook_from_source(tmp_path, "settings", "def hook(ctx): return {'locale': ctx.locale}")
    event = http_event("POST /hooks/settings", None)
    context = LambdaContext(function_name="t", memory_limit_in_mb=128, timeout=3)

    event.update(body=base64.b64encode(b'{"locale": "de"}').decode(), isBase64Encoded=True)
    assert json.loads(function(event, context)["body"]) == {"settings": {"locale": "de"}}

    event.update(body=base64.b64encode(b'{"locale": "\xff"}').decode())
    assert json.loads(function(event, context)["body"])["field"] == "body"


def test_deeply_nested_body_is_400_not_a_crash(tmp_path):
    function = hook_from_source(tmp_path, "settings", "def hook(ctx): return {}")

    assert_error(call_hook(function, raw="[" * 100_000 + "]" * 100_000), 400, "InvalidRequest")


# --------------------------------------------------------------------------- hook styles


def test_callback_style_hook_result_is_returned(tmp_path):
    function = hook_from_source(tmp_path, "filter", "def hook(ctx, callback):\n    return callback(None, 'name:x')")

    assert call_hook(function, {}) == (200, {"query": "name:x"})


def test_returning_style_hook_result_is_returned(tmp_path):
    function = hook_from_source(tmp_path, "filter", "def hook(ctx):\n    return {'query': 'name:y'}")

    assert call_hook(function, {}) == (200, {"query": "name:y"})


@pytest.mark.parametrize(
    "source",
    [
        "def hook(ctx, callback):\n    callback(Exception('No access for you.'))",
        "def hook(ctx, callback):\n    callback('No access for you.')",
        "from dahooks import HookError\ndef hook(ctx):\n    raise HookError('No access for you.')",
    ],
)
def test_refusal_is_403_from_access(tmp_path, source):
    function = hook_from_source(tmp_path, "access", source)

    assert_error(call_hook(function, ACCESS_BODY), 403, "HookError", "No access for you.")


@pytest.mark.parametrize("hook_name", ["filter", "write", "memberships", "settings", "custom-domain"])
def test_refusal_is_400_from_the_other_hooks(tmp_path, hook_name):
    function = hook_from_source(tmp_path, hook_name, "def hook(ctx, cb):\n    cb(Exception('Not today.'))")
    body = {"method": "create", "payload": {}} if hook_name == "write" else {}

    assert_error(call_hook(function, body), 400, "HookError", "Not today.")


def test_second_callback_is_ignored_and_logged(tmp_path, captured_logs):
    source = """
        def hook(ctx, callback):
            callback(None, 'first:1')
            callback(Exception('second'))
    """
    function = hook_from_source(tmp_path, "filter", source)

    assert call_hook(function, {}) == (200, {"query": "first:1"})
    warnings = [r for r in captured_logs.records if r["level"] == "WARNING"]
    assert len(warnings) == 1
    assert "more than once" in warnings[0]["message"]
    assert warnings[0]["hook"] == "filter"


def test_callback_from_a_later_thread_is_waited_for(tmp_path):
    source = """
        import threading, time
        def hook(ctx, callback):
            threading.Thread(target=lambda: (time.sleep(0.2), callback(None, 'late:1'))).start()
    """
    function = hook_from_source(tmp_path, "filter", source)

    assert call_hook(function, {}) == (200, {"query": "late:1"})


# --------------------------------------------------------------------------- deadline


@pytest.mark.parametrize(
    "source",
    [
        "import time\ndef hook(ctx):\n    time.sleep(30)",
        "def hook(ctx, callback):\n    pass  # never calls back",
        "import time\ndef hook(ctx):\n    while True:\n        try:\n            time.sleep(30)\n"
        "        except Exception:\n            pass",
    ],
    ids=["sleeps", "never-calls-back", "swallows-exceptions"],
)
def test_hook_past_its_deadline_is_504_and_logged(tmp_path, captured_logs, monkeypatch, source):
    monkeypatch.setenv("HOOK_DEADLINE_MARGIN_MS", "200")
    function = hook_from_source(tmp_path, "filter", source)

    started = time.monotonic()
    body = assert_error(call_hook(function, {}, timeout=0.7), 504, "HookTimeout")
    elapsed = time.monotonic() - started

    assert 0.45 < elapsed < 2.0
    assert "filter" in body["message"]
    timeout_records = [r for r in captured_logs.records if "deadline" in r["message"]]
    assert timeout_records[0]["hook"] == "filter"
    assert 450 <= timeout_records[0]["elapsed_ms"] < 2000
    assert 480 <= timeout_records[0]["deadline_ms"] <= 500  # 0.7 s timeout less the 200 ms margin


def test_hook_past_its_deadline_off_the_main_thread_is_504(tmp_path, monkeypatch):
    import threading

    monkeypatch.setenv("HOOK_DEADLINE_MARGIN_MS", "200")
    function = hook_from_source(tmp_path, "filter", "import time\ndef hook(ctx):\n    time.sleep(30)")
    results: list[tuple[int, Any]] = []

    worker = threading.Thread(target=lambda: results.append(call_hook(function, {}, timeout=0.6)))
    worker.start()
    worker.join(5)

    assert_error(results[0], 504, "HookTimeout")


# --------------------------------------------------------------------------- crashes and results


def test_crashing_hook_is_500_naming_the_hook_with_details_only_in_logs(tmp_path, captured_logs):
    function = hook_from_source(tmp_path, "settings", "def hook(ctx):\n    return {}['missing-key-xyz']")

    body = assert_error(call_hook(function, {}), 500, "HookFailed", "The settings hook failed.")

    assert "missing-key-xyz" not in json.dumps(body)
    assert "missing-key-xyz" in captured_logs.text
    assert "Traceback" in captured_logs.text


def test_dependency_failure_is_503(tmp_path):
    def unavailable() -> Any:
        raise ServiceUnavailableError("DynamoDB is unavailable.")

    function = hook_from_source(
        tmp_path, "settings", "def hook(ctx):\n    return ctx.read()", storage_factory=unavailable
    )

    assert_error(call_hook(function, {}), 503, "ServiceUnavailable")


@pytest.mark.parametrize(
    ("hook_name", "result", "expected"),
    [
        ("filter", None, {"query": None}),
        ("filter", "a:b", {"query": "a:b"}),
        ("filter", {"query": "a:b"}, {"query": "a:b"}),
        ("access", None, {"allowed": True, "user": None}),
        ("access", {"email": "x"}, {"allowed": True, "user": {"email": "x"}}),
        ("write", {"email": "x"}, {"user": {"email": "x"}}),
        ("memberships", ["A", "B"], {"memberships": ["A", "B"], "createMemberships": False}),
        (
            "memberships",
            {"memberships": ["A"], "createMemberships": True},
            {"memberships": ["A"], "createMemberships": True},
        ),
        ("settings", {"css": "x"}, {"settings": {"css": "x"}}),
        ("custom-domain", {}, {}),
        ("custom-domain", None, {}),
        ("custom-domain", {"customDomain": "login.example.com"}, {"customDomain": "login.example.com"}),
        ("custom-domain", {"useCanonicalDomain": True}, {"useCanonicalDomain": True}),
    ],
)
def test_accepted_result_shapes_are_normalised(tmp_path, hook_name, result, expected):
    function = hook_from_source(tmp_path, hook_name, f"def hook(ctx):\n    return {result!r}")
    body = {"method": "create", "payload": {}} if hook_name == "write" else ACCESS_BODY

    assert call_hook(function, body) == (200, expected)


@pytest.mark.parametrize(
    ("hook_name", "result"),
    [
        ("filter", 42),
        ("filter", ["a"]),
        ("filter", {"query": 1}),
        ("access", "yes"),
        ("access", [KELLY]),
        ("write", None),
        ("write", "user"),
        ("memberships", "Finance"),
        ("memberships", [1, 2]),
        ("memberships", {"memberships": ["A"], "createMemberships": "yes"}),
        ("memberships", {"memberships": ["A"], "extra": 1}),
        ("settings", None),
        ("settings", ["css"]),
        ("custom-domain", {"customDomain": "not a host"}),
        ("custom-domain", {"customDomain": "a" * 250 + ".com"}),
        ("custom-domain", {"customDomain": "-bad.example.com"}),
        ("custom-domain", {"useCanonicalDomain": False}),
        ("custom-domain", {"useCanonicalDomain": 1}),
        ("custom-domain", {"customDomain": "a.example.com", "useCanonicalDomain": True}),
        ("custom-domain", "login.example.com"),
    ],
)
def test_wrong_result_shape_is_500_naming_the_hook(tmp_path, captured_logs, hook_name, result):
    function = hook_from_source(tmp_path, hook_name, f"def hook(ctx):\n    return {result!r}")
    body = {"method": "create", "payload": {}} if hook_name == "write" else ACCESS_BODY

    assert_error(call_hook(function, body), 500, "HookFailed", f"The {hook_name} hook returned an invalid result.")
    assert any("wrong shape" in message for message in captured_logs.messages())


# --------------------------------------------------------------------------- not configured


@pytest.mark.parametrize(
    ("hook_name", "body", "expected"),
    [
        ("filter", {}, {"query": None}),
        ("access", ACCESS_BODY, {"allowed": True, "user": None}),
        ("memberships", {}, {"memberships": [], "createMemberships": False}),
        ("settings", {}, {"settings": {}}),
        ("custom-domain", {}, {}),
        (
            "write",
            {"method": "create", "payload": {"email": "a@b.c", "password": "pw", "memberships": ["X"]}},
            {"user": {"email": "a@b.c", "password": "pw"}},
        ),
        (
            "write",
            {"method": "update", "request": {"originalUser": {}}, "payload": {"email": "a@b.c", "memberships": ["X"]}},
            {"user": {"email": "a@b.c", "memberships": ["X"]}},
        ),
    ],
)
def test_function_without_hook_module_answers_the_unconfigured_default(tmp_path, hook_name, body, expected):
    function = hook_from_source(tmp_path, hook_name, None)

    assert call_hook(function, body) == (200, expected)


def test_hook_module_without_hook_function_fails_at_load(tmp_path):
    with pytest.raises(TypeError, match="must define a function named 'hook'"):
        hook_from_source(tmp_path, "filter", "def not_a_hook(ctx): pass")


# --------------------------------------------------------------------------- ctx


def test_ctx_exposes_the_request_fields(tmp_path):
    source = """
        def hook(ctx):
            return {
                "payload": ctx.payload, "user": ctx.request.user, "original": ctx.request.original_user,
                "method": ctx.method, "fields": ctx.user_fields, "locale": ctx.locale,
                "request_id": ctx.request_id, "caller": ctx.caller, "hook_name": ctx.hook_name,
                "container": type(ctx.container).__name__,
            }
    """
    function = hook_from_source(tmp_path, "settings", source)
    body = {
        "request": {"user": KELLY, "originalUser": {"email": "o@x"}},
        "payload": {"a": 1},
        "method": "update",
        "userFields": [{"property": "x"}],
        "locale": "fr",
    }

    assert call_hook(function, body) == (
        200,
        {
            "settings": {
                "payload": {"a": 1},
                "user": KELLY,
                "original": {"email": "o@x"},
                "method": "update",
                "fields": [{"property": "x"}],
                "locale": "fr",
                "request_id": "test-request",
                "caller": TESTER,
                "hook_name": "settings",
                "container": "Container",
            }
        },
    )


def test_ctx_globals_live_as_long_as_the_container(tmp_path):
    source = """
        def hook(ctx):
            ctx.globals["calls"] = ctx.globals.get("calls", 0) + 1
            return {"calls": ctx.globals["calls"]}
    """
    function = hook_from_source(tmp_path, "settings", source)

    assert [call_hook(function, {})[1]["settings"]["calls"] for _ in range(3)] == [1, 2, 3]


def test_ctx_log_prints_every_argument_as_one_record(tmp_path, captured_logs):
    source = """
        def hook(ctx):
            ctx.log("Verifying access:", {"department": "HR"}, ["a", 1], 42, None)
            return {}
    """
    function = hook_from_source(tmp_path, "settings", source)

    call_hook(function, {"request": {"user": KELLY}})

    [record] = [r for r in captured_logs.records if r.get("source") == "hook"]
    assert record["message"] == 'Verifying access: {"department":"HR"} ["a",1] 42 null'
    assert record["hook"] == "settings"
    assert record["correlation_id"] == "test-request"
    assert record["actor"] == "auth0|kelly"
    assert record["level"] == "INFO"
    assert record["location"] == "hook:3"  # the hook's own line (the source's first line is empty)


def test_secrets_never_reach_the_logs(tmp_path, captured_logs):
    source = """
        def hook(ctx):
            ctx.log("payload", ctx.payload)
            ctx.log({"nested": [{"client_secret": "cs-XYZZY", "Authorization": "Bearer tok-XYZZY"}]})
            ctx.log("header", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJYWVpaWSJ9.c2lnWFlaWlk")
            raise RuntimeError("failed with password=" + ctx.payload["password"][:0])
    """
    function = hook_from_source(tmp_path, "write", source)
    body = {"method": "create", "payload": {"email": "a@b.c", "password": "pw-XYZZY", "access_token": "at-XYZZY"}}

    call_hook(function, body)

    assert captured_logs.records, "the hook's records were captured"
    assert "XYZZY" not in captured_logs.text
    assert "[REDACTED]" in captured_logs.text
