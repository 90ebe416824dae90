"""What a million calls of each hook, and a million registrations, cost (`make bench ONLY=cost`).

Measured, then priced with tools/cost_model.py:

1. The local stack of `make run` serves each hook's most common request (bench_invoke's fixtures)
   over HTTP, and registrations through POST /hooks/post-user-registration to the queue, the
   worker and a stand-in for Slack. Each function's log then holds Lambda's REPORT lines (billed
   duration, memory size, max memory used) and every line each invocation wrote: what CloudWatch
   Logs would ingest. The first invocation of each function (its cold start) is left out.
2. The same handlers in this process, with every AWS request counted: DynamoDB's read and write
   units as DynamoDB Local reports them, SQS requests (Lambda's event source's receives and deletes
   included; its empty polls, which cost the same whatever the traffic, are not per registration).

The durations are this machine's: Lambda's arm64 share of a vCPU at the function's MemorySize
(one vCPU at 1,769 MB) runs the same work slower, and bills it by the millisecond, so the compute
items are a floor. Beside them, each function's peak memory against its MemorySize: the check that
the sizes in template.yaml still fit (at most two thirds used). Prices: tools/cost_model.py, with
where and when each was read.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dahooks.hook_types import POST_USER_REGISTRATION
from local.environment import Environment
from local.paths import TEMPLATE
from local.template import Template
from local.testing import (
    ACCEPT_ROUTE,
    INTAKE,
    WORKER,
    RegistrationStack,
    SlackReceiver,
    WarmFunctions,
    http_event,
    load_event,
    local_aws_services,
    seed_registration_secret,
    start_stack,
)
from tools.cost_model import (
    PRICES,
    PRICES_CHECKED,
    CallUse,
    cost_per_million,
    function_use,
    invocations,
)

from .bench_invoke import WARM_EVENTS
from .figures import Figure, logs_to_devnull

if TYPE_CHECKING:
    from collections.abc import Iterator

GROUP = "cost"
CALLS = 200  # per hook, after its cold start
REGISTRATIONS = 60
IN_PROCESS_CALLS = 20
SETTLE_TIMEOUT_S = 120.0
# What a registration's messages cost: sent, received (by Lambda's event source, as by ours), deleted
# or put back. The local event source's own GetQueueAttributes at start is not Lambda's, nor per message.
PER_MESSAGE_SQS = frozenset(
    {"SendMessage", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility"}
    | {"ChangeMessageVisibilityBatch"}
)
# A function's peak should leave a third of its MemorySize free: a bigger payload, a longer page.
MEMORY_HEADROOM = 2 / 3
READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


class AwsRequests:
    """The AWS requests this process made: SQS requests, and DynamoDB's units."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.idle_polls = 0
        self.read_units = 0.0
        self.write_units = 0.0

    def record(self, service: str, operation: str, response: dict[str, Any]) -> None:
        if service == "sqs" and operation == "ReceiveMessage" and not response.get("Messages"):
            self.idle_polls += 1
            return
        self.calls[service, operation] += 1
        consumed = response.get("ConsumedCapacity") or []
        units = sum(c.get("CapacityUnits", 0.0) for c in (consumed if isinstance(consumed, list) else [consumed]))
        if operation in READS:
            self.read_units += units
        elif operation in WRITES:
            self.write_units += units

    def sqs_requests(self) -> int:
        return sum(count for (_, operation), count in self.calls.items() if operation in PER_MESSAGE_SQS)


@contextmanager
def counting_aws_requests() -> Iterator[AwsRequests]:
    """Every botocore call of this process counted; DynamoDB asked to report the units it used."""
    from botocore.client import BaseClient

    counted = AwsRequests()
    original = BaseClient._make_api_call

    def call(client: Any, operation: str, params: dict[str, Any]) -> Any:
        service = client.meta.service_model.service_name
        if service == "dynamodb" and operation in READS | WRITES:
            params = {"ReturnConsumedCapacity": "TOTAL", **params}
        response = original(client, operation, params)
        counted.record(service, operation, response)
        return response

    BaseClient._make_api_call = call  # type: ignore[method-assign]
    try:
        yield counted
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def _registration_body(index: int, run: str) -> dict[str, Any]:
    body = json.loads(load_event("post-user-registration-accepted.json")["body"])
    body["user"].update(id=f"{run}-{index:04d}", username=f"user{index:04d}", email=f"u{index}@example.com")
    return body


def _wait_for(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        time.sleep(0.2)


def stack_logs() -> dict[str, list[str]]:
    """Every function's log lines after CALLS calls of each hook and REGISTRATIONS registrations."""
    with tempfile.TemporaryDirectory() as state, SlackReceiver() as slack:
        # The stack's own secret has no fixed name in the template: locally, its logical id.
        seed_registration_secret(Path(state), slack.url)
        stack = start_stack(TEMPLATE, Path(state), "--quiet")
        try:
            token = stack.token("hooks:invoke")
            for fixture in WARM_EVENTS.values():
                event = load_event(fixture)
                method, path = event["routeKey"].split(" ", 1)
                for _ in range(CALLS + 1):
                    response = stack.request(method, path, json.loads(event["body"]), token=token)
                    assert response.status == 200, response.body
            method, path = ACCEPT_ROUTE.split(" ", 1)
            run = str(time.time_ns())
            for index in range(REGISTRATIONS + 1):
                assert stack.request(method, path, _registration_body(index, run), token=token).status == 202
            _wait_for(lambda: len(slack.received) >= REGISTRATIONS + 1, "the registrations to reach the receiver")
        finally:
            stack.stop()
        logs = Path(state, "logs")
        return {path.stem: path.read_text(encoding="utf-8").splitlines() for path in logs.glob("*Function.log")}


def hook_requests(functions: WarmFunctions, logical_id: str) -> AwsRequests:
    """The AWS requests of IN_PROCESS_CALLS warm calls of a hook function (after one to warm it)."""
    event = load_event(WARM_EVENTS[logical_id])
    functions.invoke(logical_id, event)
    with counting_aws_requests() as counted:
        for _ in range(IN_PROCESS_CALLS):
            functions.invoke(logical_id, event)
    return counted


def registration_requests() -> AwsRequests:
    """The AWS requests of IN_PROCESS_CALLS registrations, accepted and delivered by the real handlers
    through the local event source, in this process."""
    environment = Environment()
    try:
        with local_aws_services() as (_, moto_endpoint, table), SlackReceiver() as slack:
            stack = RegistrationStack(moto_endpoint, table, {"SLACK_HOOK": slack.url}, visibility_timeout=10)
            environment.set(stack.environment)
            stack.load()
            source = stack.event_source(pollers=1)
            run = str(time.time_ns())
            with counting_aws_requests() as counted:
                for index in range(IN_PROCESS_CALLS):
                    assert (
                        stack.invoke(INTAKE, http_event(ACCEPT_ROUTE, _registration_body(index, run)))["statusCode"]
                        == 202
                    )
                source.start()
                try:
                    _wait_for(lambda: len(slack.received) >= IN_PROCESS_CALLS, "the registrations to be delivered")
                finally:
                    source.stop()
            return counted
    finally:
        environment.restore()


def call_uses() -> tuple[list[CallUse], AwsRequests]:
    logs = stack_logs()
    template = Template()
    uses = []
    with logs_to_devnull():
        functions = WarmFunctions(template)
        for logical_id in WARM_EVENTS:
            warm = invocations(logs[logical_id])[1:]
            requests = hook_requests(functions, logical_id)
            hook = logical_id.removesuffix("Function")
            uses.append(
                CallUse(
                    f"{hook} hook",
                    [function_use(logical_id, warm, len(warm))],
                    read_units=requests.read_units / IN_PROCESS_CALLS,
                    write_units=requests.write_units / IN_PROCESS_CALLS,
                    sqs_requests=requests.sqs_requests() / IN_PROCESS_CALLS,
                )
            )
        requests = registration_requests()
    uses.append(
        CallUse(
            f"{POST_USER_REGISTRATION} (HTTP)",
            [
                function_use(INTAKE, invocations(logs[INTAKE])[1:], REGISTRATIONS),
                function_use(WORKER, invocations(logs[WORKER])[1:], REGISTRATIONS),
            ],
            read_units=requests.read_units / IN_PROCESS_CALLS,
            write_units=requests.write_units / IN_PROCESS_CALLS,
            sqs_requests=requests.sqs_requests() / IN_PROCESS_CALLS,
        )
    )
    return uses, requests


def _usage(use: CallUse) -> str:
    lambdas = ", ".join(
        f"{f.function} {f.per_call:.2f} x ({f.duration_ms:.2f} ms, billed {f.billed_ms:.2f} ms,"
        f" {f.log_bytes:.0f} log B)"
        for f in use.functions
    )
    return (
        f"{lambdas}; {use.http_requests:g} HTTP API, {use.read_units:.2f} RRU, {use.write_units:.2f} WRU,"
        f" {use.sqs_requests:.2f} SQS"
    )


def figures(uses: list[CallUse], sqs_operations: dict[str, float]) -> list[Figure]:
    found = []
    for use in uses:
        cost = cost_per_million(use)
        items = ", ".join(f"{name} {usd:.4f}" for name, usd in cost.items.items())
        found += [
            Figure(GROUP, f"{use.name}: one call uses", _usage(use)),
            Figure(GROUP, f"{use.name}: USD per million calls", f"{cost.total:.2f}", items),
        ]
    for use in uses:
        for function in use.functions:
            share = function.max_memory_used_mb / function.memory_mb
            found.append(
                Figure(
                    GROUP,
                    f"{function.function}: max memory used",
                    f"{function.max_memory_used_mb} MB ({share:.0%} of MemorySize)",
                    f"MemorySize {function.memory_mb} MB",
                    f"<= {MEMORY_HEADROOM:.0%} of MemorySize",
                    share <= MEMORY_HEADROOM,
                )
            )
    found.append(
        Figure(GROUP, "SQS requests per registration", ", ".join(f"{k} {v:.2f}" for k, v in sqs_operations.items()))
    )
    found.append(Figure(GROUP, "prices", f"us-east-1, read {PRICES_CHECKED}: check them before relying on them"))
    found += [
        Figure(GROUP, f"price: {name}", f"{price.usd:g} USD {price.unit}", price.source)
        for name, price in PRICES.items()
    ]
    return found


def run() -> list[Figure]:
    uses, registration = call_uses()
    sqs = {
        operation: count / IN_PROCESS_CALLS
        for (service, operation), count in sorted(registration.calls.items())
        if service == "sqs" and operation in PER_MESSAGE_SQS
    }
    return figures(uses, sqs)
