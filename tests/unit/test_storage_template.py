"""template.yaml's table (who may touch which of its partitions: test_template_rendered.py)."""

from __future__ import annotations


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
