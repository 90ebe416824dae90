"""What CloudFormation gets from template.yaml, rendered by the SAM translator as `sam deploy` renders it:
each function's role touches exactly the table partitions it uses; every route's scope takes the
ScopePrefix of a Cognito resource server; the API writes an access log with retention in the format
the local gateway writes too.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest

from dahooks.hook_types import HOOK_TYPES
from dahooks.registration import idempotency, kept
from dahooks.storage import cache, custom_data, hook_errors
from dahooks.users_api import audit
from local.access_log import AccessEntry
from local.template import Template
from local.testing import role_statements, sam_rendered_template

GET, QUERY, PUT, UPDATE, DELETE = "GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem"
KEYED_ACTIONS = (GET, QUERY, PUT, UPDATE, DELETE)
# Actions no partition condition limits (Scan reads every partition) or that no function needs.
UNKEYED_ACTIONS = ("Scan", "BatchGetItem", "BatchWriteItem", "PartiQLSelect", "PartiQLUpdate", "DeleteTable")
OTHER_PARTITION = "someone-elses-partition"
AUDIT_OF_KELLY = f"{audit.USER_PK_PREFIX}kelly"
FAILURES = {hook: hook_errors.PK_PREFIX + hook for hook in HOOK_TYPES}
PARTITIONS = (
    *FAILURES.values(),
    custom_data.PK,
    cache.PK,
    idempotency.PARTITION,
    kept.PARTITION,
    audit.LOG_PK,
    AUDIT_OF_KELLY,
    OTHER_PARTITION,
)

HOOK_ACCESS = {custom_data.PK: {GET, QUERY}, cache.PK: {GET, QUERY, PUT, DELETE}}


def hook_function(hook: str) -> dict[str, set[str]]:
    """A hook's function: the hooks' storage, and its own hook's last failures (for the configuration page)."""
    return {**HOOK_ACCESS, FAILURES[hook]: {PUT}}


# Who may do what on which partition: everything else is refused.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "HealthFunction": {},
    "FilterFunction": hook_function("filter"),
    "AccessFunction": hook_function("access"),
    "WriteFunction": hook_function("write"),
    "MembershipsFunction": hook_function("memberships"),
    "SettingsFunction": hook_function("settings"),
    "CustomDomainFunction": hook_function("custom-domain"),
    "CustomDataFunction": {custom_data.PK: {GET, QUERY, PUT, DELETE}},
    "PostUserRegistrationFunction": {kept.PARTITION: {PUT}},
    "RegistrationWorkerFunction": {idempotency.PARTITION: {GET, PUT, UPDATE, DELETE}, kept.PARTITION: {QUERY, DELETE}},
    # The hooks it runs in process (and their last failures, which the configuration page reads), the
    # custom data the configuration page replaces, and the audit log: the whole log's partition and each user's.
    "UsersFunction": {
        **HOOK_ACCESS,
        custom_data.PK: {GET, QUERY, PUT, DELETE},
        **{partition: {PUT, QUERY} for partition in FAILURES.values()},
        audit.LOG_PK: {PUT, UPDATE, QUERY},
        AUDIT_OF_KELLY: {PUT, UPDATE, QUERY},
    },
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, Any]:
    return sam_rendered_template()


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def may(statements: list[dict[str, Any]], action: str, partition: str | None) -> bool:
    """Whether the statements allow `dynamodb:<action>` on the table for `partition` (None: an action
    without a partition key, for which IAM holds a ForAllValues condition vacuously true).

    Over-approximates: a condition it does not know grants, so an unread statement fails the test."""
    for statement in statements:
        actions = _listed(statement["Action"])
        if statement["Effect"] != "Allow" or not any(fnmatch.fnmatchcase(f"dynamodb:{action}", a) for a in actions):
            continue
        condition = statement.get("Condition")
        if not condition:
            return True
        exact = condition.get("ForAllValues:StringEquals", {}).get("dynamodb:LeadingKeys")
        like = condition.get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
        if set(condition) - {"ForAllValues:StringEquals", "ForAllValues:StringLike"} or (
            exact is None and like is None
        ):
            return True
        if partition is None:
            return True
        if partition in (exact or []) or any(fnmatch.fnmatchcase(partition, pattern) for pattern in like or []):
            return True
    return False


def test_every_function_of_the_template_is_in_the_table_below() -> None:
    assert set(Template().functions()) == set(EXPECTED)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_a_function_may_touch_exactly_the_partitions_it_uses(rendered, function) -> None:
    statements = role_statements(rendered, function)

    granted = {
        partition: {action for action in KEYED_ACTIONS if may(statements, action, partition)}
        for partition in PARTITIONS
    }

    assert {partition: actions for partition, actions in granted.items() if actions} == EXPECTED[function]
    assert not [action for action in UNKEYED_ACTIONS if may(statements, action, None)]


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_every_table_statement_is_limited_to_named_partitions(rendered, function) -> None:
    for statement in role_statements(rendered, function):
        if any(str(action).startswith("dynamodb:") for action in _listed(statement["Action"])):
            keys = json.dumps(statement.get("Condition", {}))
            assert "dynamodb:LeadingKeys" in keys, statement
            assert OTHER_PARTITION not in keys


@pytest.mark.parametrize(
    ("function", "action", "partition", "allowed"),
    [
        ("FilterFunction", GET, custom_data.PK, True),
        ("FilterFunction", PUT, custom_data.PK, False),
        ("FilterFunction", GET, idempotency.PARTITION, False),
        ("FilterFunction", QUERY, kept.PARTITION, False),
        ("AccessFunction", PUT, cache.PK, True),
        ("CustomDataFunction", PUT, custom_data.PK, True),
        ("CustomDataFunction", GET, cache.PK, False),
        ("CustomDataFunction", DELETE, idempotency.PARTITION, False),
        ("PostUserRegistrationFunction", GET, kept.PARTITION, False),
        ("RegistrationWorkerFunction", GET, custom_data.PK, False),
        ("HealthFunction", GET, custom_data.PK, False),
    ],
)
def test_may_a_function_touch_a_partition(rendered, function, action, partition, allowed) -> None:
    assert may(role_statements(rendered, function), action, partition) is allowed


def test_every_route_scope_takes_the_scope_prefix(rendered) -> None:
    paths = rendered["Resources"]["HttpApi"]["Properties"]["Body"]["paths"]
    scoped = {
        f"{method.upper()} {path}": security
        for path, operations in paths.items()
        for method, operation in operations.items()
        for security in operation.get("security", [])
        if "JwtAuthorizer" in security
    }

    assert scoped
    for route, security in scoped.items():
        (scope,) = security["JwtAuthorizer"]
        assert scope["Fn::Sub"].startswith("${ScopePrefix}"), route
    cognito = Template(values={"ScopePrefix": "https://hooks.example.com/"})
    assert {route.scopes for route in cognito.routes() if route.path.startswith("/hooks/")} == {
        ("https://hooks.example.com/hooks:invoke",)
    }


def test_the_api_writes_its_access_log_with_retention_in_a_format_the_local_gateway_writes_too(rendered) -> None:
    resources = rendered["Resources"]
    (stage,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Stage"]
    settings = stage["Properties"]["AccessLogSettings"]
    group = resources[settings["DestinationArn"]["Fn::GetAtt"][0]]
    log_format = json.loads(settings["Format"])
    local_variables = AccessEntry("id", "ip", "GET", "/", "HTTP/1.1", "ua", 0.0).variables()

    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert {"requestId", "routeKey", "status", "authorizerError", "ip", "responseLatency", "integrationError"} <= set(
        log_format
    )
    assert set(log_format.values()) <= set(local_variables)


SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kept-from-a-deleted-stack-AbCdEf"


def test_the_registration_secret_has_no_fixed_name_so_a_redeploy_never_collides_with_a_kept_one(rendered) -> None:
    secrets = [r for r in rendered["Resources"].values() if r["Type"] == "AWS::SecretsManager::Secret"]
    secret = rendered["Resources"]["RegistrationSecret"]

    assert not [other for other in secrets if "Name" in other["Properties"]]
    assert secret["DeletionPolicy"] == "Retain"  # its webhook URLs outlive the stack
    assert secret["Condition"] == "CreatesRegistrationSecret"


def test_the_worker_reads_the_stacks_secret_by_arn_or_an_existing_one_given_as_a_parameter() -> None:
    created = Template(values={"RegistrationSecret": "arn:local:created"}).functions()["RegistrationWorkerFunction"]
    existing = Template(values={"RegistrationSecretArn": SECRET_ARN}).functions()["RegistrationWorkerFunction"]

    assert created.environment["REGISTRATION_SECRET_ARN"] == "arn:local:created"
    assert existing.environment["REGISTRATION_SECRET_ARN"] == SECRET_ARN
    assert Template(values={"RegistrationSecretArn": SECRET_ARN}).condition("CreatesRegistrationSecret") is False


def test_with_an_existing_secret_the_worker_may_read_that_one(rendered) -> None:
    reads = [
        statement
        for statement in role_statements(rendered, "RegistrationWorkerFunction")
        if "secretsmanager:GetSecretValue" in _listed(statement["Action"])
    ]

    (statement,) = reads
    assert statement["Resource"]["Fn::Sub"][1]["secretArn"] == {
        "Fn::If": ["CreatesRegistrationSecret", {"Ref": "RegistrationSecret"}, {"Ref": "RegistrationSecretArn"}]
    }
