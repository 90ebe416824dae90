"""What a million calls cost: a hook's, or a registration's, from what one call measurably uses.

A call's use comes from `make bench ONLY=cost`: the Lambda REPORT lines of the local stack (billed
duration, memory size, max memory used), the bytes of every log line the call wrote (what
CloudWatch Logs ingests: START, the records, the EMF lines, END, REPORT), and the AWS requests
the functions made (DynamoDB read and write units as DynamoDB reports them, SQS requests).

The prices are AWS's published on-demand prices for US East (N. Virginia), in USD, each with where
it was read and when (`PRICES_CHECKED`). Check them against aws.amazon.com/<service>/pricing before
relying on a figure: prices change, and differ by region and by volume tier (these are the first
tiers: HTTP API up to 300 million requests a month, Lambda up to 7.5 billion GB-s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

MILLION = 1_000_000
GIB = 1024**3  # AWS bills log data and memory in binary gigabytes


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str
    source: str


PRICES_CHECKED = "2026-12-01"
# Read from dated pages that quote AWS's own (whose tables render in the browser only); see docs/operations.md.
PRICES = {
    "http_api": Price(1.00, "per million HTTP API requests", "awsforengineers.com (2025-05-19)"),
    "lambda_request": Price(0.20, "per million Lambda requests", "cloudchipr.com (2024); api-evangelist (2026-09-20)"),
    "lambda_gb_second": Price(0.0000133334, "per GB-second on arm64", "cloudchipr.com (2024); artillery 2.0.28"),
    "dynamodb_read": Price(0.125, "per million on-demand read units", "airbyte.com (2025-07-21)"),
    "dynamodb_write": Price(0.625, "per million on-demand write units", "airbyte.com (2025-07-21)"),
    "sqs_request": Price(0.40, "per million SQS standard requests", "cloudburn.io (2026-03-14)"),
    "logs_ingestion": Price(0.50, "per GB of logs ingested (Standard)", "duckbillgroup.com (2025-05-01 tiers)"),
}

_REPORT = re.compile(
    r"^REPORT RequestId: (?P<id>\S+)\tDuration: (?P<duration>[\d.]+) ms\tBilled Duration: (?P<billed>\d+) ms"
    r"\tMemory Size: (?P<memory>\d+) MB(?:\tMax Memory Used: (?P<used>\d+) MB)?"
)


@dataclass(frozen=True)
class Report:
    """One of Lambda's REPORT lines."""

    request_id: str
    duration_ms: float
    billed_ms: int
    memory_mb: int
    max_memory_used_mb: int | None


def parse_report(line: str) -> Report | None:
    """The REPORT line `line`, or None when it is another line."""
    match = _REPORT.match(line)
    if match is None:
        return None
    used = match["used"]
    return Report(
        match["id"],
        float(match["duration"]),
        int(match["billed"]),
        int(match["memory"]),
        int(used) if used else None,
    )


@dataclass(frozen=True)
class Invocation:
    """One invocation in a function's log: its REPORT line and the bytes of all its lines."""

    report: Report
    log_bytes: int


def invocations(log_lines: Iterable[str]) -> list[Invocation]:
    """The invocations of a function's log, each from its START line to its REPORT line.

    Lines before a START (a cold start's import-time output) count towards the next invocation.
    """
    found: list[Invocation] = []
    pending = 0
    for line in log_lines:
        pending += len(line.rstrip("\n").encode("utf-8"))
        report = parse_report(line)
        if report is not None:
            found.append(Invocation(report, pending))
            pending = 0
    return found


@dataclass(frozen=True)
class FunctionUse:
    """A function's share of one call: its invocations per call (a worker batch serves several
    registrations), their mean duration, billed duration and log bytes, and its memory."""

    function: str
    per_call: float
    duration_ms: float
    billed_ms: float
    log_bytes: float
    memory_mb: int
    max_memory_used_mb: int = 0  # the most any of its invocations reported

    @property
    def gb_seconds(self) -> float:
        """Lambda's compute for one call: memory (GB) x billed duration (s) x invocations per call."""
        return self.per_call * self.memory_mb / 1024 * self.billed_ms / 1000


def function_use(function: str, invocations_: list[Invocation], calls: int) -> FunctionUse:
    """`function`'s share of each of `calls` calls, from the invocations that served them."""
    count = len(invocations_)
    return FunctionUse(
        function,
        per_call=count / calls,
        duration_ms=sum(i.report.duration_ms for i in invocations_) / count,
        billed_ms=sum(i.report.billed_ms for i in invocations_) / count,
        log_bytes=sum(i.log_bytes for i in invocations_) / count,
        memory_mb=invocations_[0].report.memory_mb,
        max_memory_used_mb=max(i.report.max_memory_used_mb or 0 for i in invocations_),
    )


@dataclass(frozen=True)
class CallUse:
    """Everything one call uses."""

    name: str
    functions: list[FunctionUse]
    http_requests: float = 1.0
    read_units: float = 0.0
    write_units: float = 0.0
    sqs_requests: float = 0.0

    @property
    def log_bytes(self) -> float:
        return sum(use.per_call * use.log_bytes for use in self.functions)


@dataclass(frozen=True)
class Cost:
    """USD per million calls, item by item."""

    name: str
    items: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.items.values())


def cost_per_million(call: CallUse, prices: dict[str, Price] = PRICES) -> Cost:
    """What a million of `call` cost, item by item."""
    lambda_requests = sum(use.per_call for use in call.functions)
    gb_seconds = sum(use.gb_seconds for use in call.functions)
    return Cost(
        call.name,
        {
            "HTTP API": call.http_requests * prices["http_api"].usd,
            "Lambda requests": lambda_requests * prices["lambda_request"].usd,
            "Lambda compute": gb_seconds * MILLION * prices["lambda_gb_second"].usd,
            "DynamoDB": call.read_units * prices["dynamodb_read"].usd + call.write_units * prices["dynamodb_write"].usd,
            "SQS": call.sqs_requests * prices["sqs_request"].usd,
            "CloudWatch Logs": call.log_bytes * MILLION / GIB * prices["logs_ingestion"].usd,
        },
    )
