"""The CloudWatch dashboard: the API, one row per hook type, the registration pipeline, every
function's errors and throttles, and the table.

The body is JSON with `${...}` placeholders, written into the template as a `!Sub` so that the
region, the stack's function names, API id, queues, table and log groups are filled in at deploy
time. One widget per line, so that a change reads as a small diff.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from dahooks.hook_types import POST_USER_REGISTRATION
from dahooks.metrics import (
    ACCEPTED,
    DEAD_LETTERED,
    DELIVERED,
    HOOK_COUNTERS,
    HOOK_DURATION,
    HOOK_TYPE,
    KEPT,
    RETRIED,
    SERVICE,
)

from .cfn import Sub

if TYPE_CHECKING:
    from .inventory import FunctionInfo, HookRow, Inventory

LOGICAL_ID = "OperationsDashboard"
REGION = "${AWS::Region}"
PERIOD = 60
WIDTH = 24
HEIGHT = 6
LAST_ERRORS = 5  # the original kept the last five errors of each hook


def placeholder(logical_id: str, attribute: str | None = None) -> str:
    """`${Name}` or `${Name.Attribute}`: filled in by `!Sub` with the resource's name or attribute."""
    return "${" + logical_id + (f".{attribute}" if attribute else "") + "}"


def errors_query(condition: str = "", limit: int = LAST_ERRORS) -> str:
    """Logs Insights: the last `limit` error records (and their request ids) that also match
    `condition` ("" or `hook = "access" and `)."""
    return (
        "fields @timestamp, correlation_id, function_request_id, message, exception_name"
        f' | filter {condition}(level = "ERROR" or level = "CRITICAL")'
        f" | sort @timestamp desc | limit {limit}"
    )


class _Layout:
    """Widgets placed left to right in rows of 24 units."""

    def __init__(self) -> None:
        self.widgets: list[dict[str, Any]] = []
        self.y = 0

    def row(self, *widgets: dict[str, Any], height: int = HEIGHT) -> None:
        width = WIDTH // len(widgets)
        for index, widget in enumerate(widgets):
            self.widgets.append({**widget, "x": index * width, "y": self.y, "width": width, "height": height})
        self.y += height


def _metric_widget(title: str, metrics: list[list[Any]], *, stat: str = "Sum", **options: Any) -> dict[str, Any]:
    properties = {"title": title, "region": REGION, "view": "timeSeries", "stat": stat, "period": PERIOD}
    return {"type": "metric", "properties": {**properties, **options, "metrics": metrics}}


def _log_widget(title: str, log_groups: tuple[str, ...], query: str) -> dict[str, Any]:
    sources = " | ".join(f"SOURCE '{placeholder(group)}'" for group in log_groups)
    return {
        "type": "log",
        "properties": {"title": title, "region": REGION, "view": "table", "query": f"{sources} | {query}"},
    }


class Dashboard:
    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.namespace = inventory.namespace_sub  # itself a !Sub text: "delegated-admin-hooks/${AWS::StackName}"

    def _ours(self, name: str, hook_type: str, **options: Any) -> list[Any]:
        """One of our EMF metrics: its dimensions are exactly the ones the runtime writes."""
        metric: list[Any] = [self.namespace, name, HOOK_TYPE, hook_type, SERVICE, self.inventory.service]
        return [*metric, options] if options else metric

    @staticmethod
    def _lambda(name: str, function: FunctionInfo, **options: Any) -> list[Any]:
        metric: list[Any] = ["AWS/Lambda", name, "FunctionName", placeholder(function.logical_id)]
        return [*metric, options] if options else metric

    def widgets(self) -> list[dict[str, Any]]:
        layout = _Layout()
        layout.row(self._header(), height=2)
        layout.row(*self._api_row())
        for hook in self.inventory.hooks:
            layout.row(*self._hook_row(hook))
        layout.row(*self._registration_row())
        layout.row(*self._functions_row())
        layout.row(*self._table_row())
        return layout.widgets

    def _header(self) -> dict[str, Any]:
        text = (
            "## Delegated Administration hooks: ${AWS::StackName}\n"
            "One row per hook type: its runs, refusals, failures (HookFailed) and timeouts; the time inside the hook"
            " (HookDuration) beside the function's whole invocation (Lambda Duration); its last errors with their"
            " request ids. Runs of the users API count in the row of the hook type they ran."
        )
        return {"type": "text", "properties": {"markdown": text}}

    def _api_row(self) -> list[dict[str, Any]]:
        api = ["AWS/ApiGateway", "Count", "ApiId", placeholder(self.inventory.http_api)]
        return [
            _metric_widget(
                "API: requests, 4xx, 5xx",
                [[*api, {"label": "requests"}], [".", "4xx", ".", "."], [".", "5xx", ".", "."]],
            ),
            _metric_widget(
                "API: latency p50 / p99 (ms)",
                [
                    ["AWS/ApiGateway", "Latency", "ApiId", placeholder(self.inventory.http_api), {"stat": "p50"}],
                    ["...", {"stat": "p99"}],
                    [".", "IntegrationLatency", ".", ".", {"stat": "p99"}],
                ],
            ),
        ]

    def _hook_row(self, hook: HookRow) -> list[dict[str, Any]]:
        counts = [self._ours(name, hook.name) for name in HOOK_COUNTERS]
        durations = [
            self._ours(HOOK_DURATION, hook.name, stat="p50", label="hook p50"),
            self._ours(HOOK_DURATION, hook.name, stat="p99", label="hook p99"),
            self._lambda("Duration", hook.function, stat="p50", label="invocation p50"),
            self._lambda("Duration", hook.function, stat="p99", label="invocation p99"),
        ]
        return [
            _metric_widget(f"{hook.name}: runs, refusals, failures, timeouts", counts),
            _metric_widget(f"{hook.name}: duration p50 / p99 (ms)", durations),
            _log_widget(
                f"{hook.name}: last {LAST_ERRORS} errors",
                hook.log_groups,
                errors_query(f'hook = "{hook.name}" and '),
            ),
        ]

    def _registration_row(self) -> list[dict[str, Any]]:
        queue, dead_letters = self.inventory.registration_queue, self.inventory.dead_letter_queue
        sqs = ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", placeholder(queue, "QueueName")]
        log_groups = tuple(f.log_group for f in self.inventory.registration_functions if f.log_group)
        return [
            _metric_widget(
                "registrations: accepted, kept, delivered, retried, dead-lettered",
                [
                    self._ours(name, POST_USER_REGISTRATION)
                    for name in (ACCEPTED, KEPT, DELIVERED, RETRIED, DEAD_LETTERED)
                ],
            ),
            _metric_widget(
                "registration queue: oldest (s, left) and waiting",
                [
                    [*sqs, {"stat": "Maximum", "label": "age of the oldest (s)"}],
                    [".", "ApproximateNumberOfMessagesVisible", ".", ".", {"stat": "Maximum", "yAxis": "right"}],
                    [
                        "...",
                        placeholder(dead_letters, "QueueName"),
                        {"stat": "Maximum", "yAxis": "right", "label": "dead letters"},
                    ],
                ],
            ),
            _log_widget(f"registrations: last {LAST_ERRORS} errors", log_groups, errors_query()),
        ]

    def _functions_row(self) -> list[dict[str, Any]]:
        functions = self.inventory.functions

        def each(name: str, **options: Any) -> list[list[Any]]:
            return [self._lambda(name, function, label=function.logical_id, **options) for function in functions]

        return [
            _metric_widget("functions: errors", each("Errors")),
            _metric_widget("functions: throttles", each("Throttles")),
            _metric_widget("functions: duration p99 (ms)", each("Duration", stat="p99")),
            _metric_widget("functions: concurrent executions", each("ConcurrentExecutions", stat="Maximum")),
        ]

    def _table_row(self) -> list[dict[str, Any]]:
        table = ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", placeholder(self.inventory.table)]
        return [
            _metric_widget(
                "table: consumed read / write capacity units",
                [table, [".", "ConsumedWriteCapacityUnits", ".", "."]],
            ),
            _metric_widget(
                "table: throttled reads and writes, version conflicts",
                [
                    [*table[:1], "ReadThrottleEvents", *table[2:]],
                    [".", "WriteThrottleEvents", ".", "."],
                    [".", "ConditionalCheckFailedRequests", ".", ".", {"label": "version conflicts"}],
                ],
            ),
        ]

    def body(self) -> str:
        widgets = ",\n".join(json.dumps(widget, separators=(",", ":")) for widget in self.widgets())
        return '{"start":"-PT3H","periodOverride":"inherit","widgets":[\n' + widgets + "\n]}\n"

    def resources(self) -> dict[str, Any]:
        return {
            LOGICAL_ID: {
                "Type": "AWS::CloudWatch::Dashboard",
                "Properties": {
                    "DashboardName": Sub("${AWS::StackName}-hooks"),
                    "DashboardBody": Sub(self.body()),
                },
            }
        }
