"""The cost table, computed from a fixed sample of a function log (REPORT lines included): exact figures."""

from __future__ import annotations

import pytest

from tools.cost_model import CallUse, Report, cost_per_million, function_use, invocations, parse_report

# Two warm invocations of a hook function, as the local runtime (and Lambda) write them; the bytes
# of each line (a REPORT line's tabs included) in the comments.
HOOK_LOG = [
    "START RequestId: r1 Version: $LATEST",  # 36 bytes
    '{"level":"INFO","message":"Verifying access: Finance Finance"}',  # 62
    "END RequestId: r1",  # 17, then a REPORT line of 103
    "REPORT RequestId: r1\tDuration: 0.52 ms\tBilled Duration: 1 ms\tMemory Size: 256 MB\tMax Memory Used: 65 MB",
    "START RequestId: r2 Version: $LATEST",  # 36
    "END RequestId: r2",  # 17
    "REPORT RequestId: r2\tDuration: 1.40 ms\tBilled Duration: 2 ms\tMemory Size: 256 MB\tMax Memory Used: 66 MB",
]
# A registration worker's one batch of four registrations, paced 2 s apart.
WORKER_LOG = [
    "START RequestId: w1 Version: $LATEST",
    "END RequestId: w1",
    "REPORT RequestId: w1\tDuration: 6001.20 ms\tBilled Duration: 6002 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB",
]  # 36 + 17 + 109 bytes


def test_a_report_line_is_read_as_lambda_writes_it():
    assert parse_report(HOOK_LOG[3]) == Report("r1", 0.52, 1, 256, 65)
    assert parse_report("REPORT RequestId: x\tDuration: 3.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB") == Report(
        "x", 3.0, 3, 128, None
    )
    assert parse_report(HOOK_LOG[0]) is None


def test_each_invocation_counts_the_bytes_of_all_its_lines():
    found = invocations(HOOK_LOG)

    assert [(i.report.request_id, i.log_bytes) for i in found] == [("r1", 36 + 62 + 17 + 103), ("r2", 36 + 17 + 103)]


def test_a_million_hook_calls_cost_the_sum_of_their_items():
    use = CallUse("access hook", [function_use("AccessFunction", invocations(HOOK_LOG), calls=2)])

    cost = cost_per_million(use)

    assert use.functions[0].billed_ms == 1.5
    assert use.log_bytes == 187.0  # (218 + 156) / 2
    assert cost.items == pytest.approx(
        {
            "HTTP API": 1.00,
            "Lambda requests": 0.20,
            "Lambda compute": 0.005000025,  # 1e6 x 0.25 GB x 0.0015 s x 0.0000133334
            "DynamoDB": 0.0,
            "SQS": 0.0,
            "CloudWatch Logs": 0.08707866072654724,  # 187 B x 1e6 / 2**30 x 0.50
        },
        rel=1e-12,
    )
    assert cost.total == pytest.approx(1.2920786857265472, rel=1e-12)


def test_a_registration_pays_for_its_share_of_a_worker_batch_its_units_and_its_queue_requests():
    intake = function_use("PostUserRegistrationFunction", invocations(HOOK_LOG[:4]), calls=1)
    worker = function_use("RegistrationWorkerFunction", invocations(WORKER_LOG), calls=4)
    use = CallUse("registration", [intake, worker], write_units=2.0, sqs_requests=1.5)

    cost = cost_per_million(use)

    assert worker.per_call == 0.25
    assert worker.max_memory_used_mb == 70
    assert cost.items == pytest.approx(
        {
            "HTTP API": 1.00,
            "Lambda requests": 0.25,  # 1.25 invocations a call x 0.20
            # 1e6 x 0.25 GB x (0.001 s + 0.25 x 6.002 s) x 0.0000133334
            "Lambda compute": 5.005025025,
            "DynamoDB": 1.25,  # 2 WRU x 0.625
            "SQS": 0.60,  # 1.5 requests x 0.40
            # (218 B + 0.25 x 162 B) x 1e6 / 2**30 x 0.50
            "CloudWatch Logs": 0.1203734427690506,
        },
        rel=1e-12,
    )
