"""template.yaml's table and the permissions on it: each function granted only what it uses."""

from __future__ import annotations

from dahooks.storage import cache, custom_data

HOOKS = ["FilterFunction", "AccessFunction", "WriteFunction", "MembershipsFunction", "SettingsFunction"]


def test_the_table_is_on_demand_with_ttl_recovery_and_encryption(template):
    table = template.resources["Table"]["Properties"]

    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert {key["AttributeName"]: key["KeyType"] for key in table["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}


def test_every_function_is_told_the_table_name(template):
    for function in template.functions().values():
        assert function.environment["TABLE_NAME"] == "Table", function.logical_id


def test_hooks_read_the_table_and_write_only_cache_items(template):
    statements = template.resources["HookStoragePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    writes = [s for s in statements if set(s["Action"]) & {"dynamodb:PutItem", "dynamodb:DeleteItem"}]

    for logical_id in [*HOOKS, "CustomDomainFunction"]:
        assert template.resources[logical_id]["Properties"]["Policies"] == [{"Ref": "HookStoragePolicy"}]
    assert [w["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"] for w in writes] == [[cache.PK]]
    assert cache.PK != custom_data.PK
    assert all(statement["Resource"] == {"Fn::GetAtt": ["Table", "Arn"]} for statement in statements)


def test_only_the_custom_data_function_may_write_custom_data(template):
    crud = [
        logical_id
        for logical_id, resource in template.resources.items()
        if any(
            "DynamoDBCrudPolicy" in policy
            for policy in resource.get("Properties", {}).get("Policies", [])
            if isinstance(policy, dict)
        )
    ]

    assert crud == ["CustomDataFunction"]
    assert "Policies" not in template.resources["HealthFunction"]["Properties"]
