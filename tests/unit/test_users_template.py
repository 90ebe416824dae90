"""The users function's permissions in template.yaml are exactly what its code calls, on what it uses."""

from __future__ import annotations

import re
from pathlib import Path

import dahooks.directory.cognito as cognito_adapter
from dahooks.users_api import audit
from local.paths import ROOT
from local.template import load_template

TEMPLATE = load_template(ROOT / "template.yaml")
USERS = TEMPLATE["Resources"]["UsersFunction"]["Properties"]


def statements() -> dict[str, dict]:
    found = {}
    for policy in USERS["Policies"]:
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            found[statement["Sid"]] = statement
    return found


def camel(operation: str) -> str:
    words = operation.split("_")
    return "".join("MFA" if word == "mfa" else word.capitalize() for word in words)


def test_cognito_actions_are_exactly_the_calls_the_adapter_makes():
    source = Path(cognito_adapter.__file__).read_text(encoding="utf-8")
    called = set(re.findall(r'_(?:raw_)?call\(\s*"([a-z_]+)"', source))

    allowed = {action.removeprefix("cognito-idp:") for action in statements()["ManageThePoolsUsers"]["Action"]}

    assert allowed == {camel(operation) for operation in called}


def test_cognito_actions_are_on_the_configured_pool_only():
    resource = statements()["ManageThePoolsUsers"]["Resource"]

    pool = "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${UserPoolId}"
    assert resource == {"Fn::Sub": pool}


def test_table_access_is_the_hooks_and_the_audit_logs_partitions():
    # Which partition each function may touch, the users function's included, is test_template_rendered.py's.
    audit_keys = statements()["AuditLog"]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]

    assert {"Ref": "HookStoragePolicy"} in USERS["Policies"]
    assert audit_keys == [audit.LOG_PK, audit.USER_PK_PREFIX + "*"]


def test_every_route_uses_the_dashboard_user_authorizer():
    for event in USERS["Events"].values():
        assert event["Properties"]["Auth"] == {"Authorizer": "DashboardUserAuthorizer"}
        assert event["Properties"]["Path"].startswith("/api/")


def test_the_function_can_load_every_hook_by_path():
    assert USERS["CodeUri"] == "functions/"
    assert USERS["Handler"] == "users/app.handler"
    assert (ROOT / "functions" / "users" / "app.py").is_file()
