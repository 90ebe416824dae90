"""Every alarm of the stack, each notifying the one optional topic: a hook type's failures and
timeouts (its function's own errors among them), the p99 latency of each function behind a route
and of the API, the functions' throttles, and the registration pipeline (dead letters, the age of
the oldest registration, a registration lost).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dahooks.metrics import HOOK_FAILED, HOOK_TYPE, SERVICE, TIMEOUTS

from .cfn import NO_VALUE, GetAtt, If, Ref, Sub

if TYPE_CHECKING:
    from .inventory import FunctionInfo, HookRow, Inventory

# Template parameters and conditions these alarms use (hand-written in template.yaml).
ALARM_TOPIC = "AlarmTopicArn"
LEGACY_ALARM_TOPIC = "RegistrationAlarmTopicArn"  # its older name, still honoured
HAS_ALARM_TOPIC = "HasAlarmTopicArn"
HAS_LEGACY_ALARM_TOPIC = "HasRegistrationAlarmTopic"
LATENCY_THRESHOLD = "LatencyAlarmMilliseconds"
REGISTRATION_AGE_THRESHOLD = "RegistrationAgeAlarmSeconds"
LOST_REGISTRATIONS_FILTER = "RegistrationLostMetricFilter"  # the metric filter of the accept function's log

PERIOD = 300
LATENCY_PERIODS = 3  # three 5-minute p99s in a row: one slow request does not page anyone
MAX_METRICS_PER_ALARM = 10  # CloudWatch's hard limit for an alarm on a metric math expression


def notify() -> dict[str, Any]:
    """AlarmActions and OKActions: the topic, if one is given (the new parameter wins over the old)."""
    topic = If(HAS_ALARM_TOPIC, [Ref(ALARM_TOPIC)], If(HAS_LEGACY_ALARM_TOPIC, [Ref(LEGACY_ALARM_TOPIC)], NO_VALUE))
    return {"AlarmActions": topic, "OKActions": topic}


def _stat(metric_id: str, namespace: Any, name: str, dimensions: dict[str, Any], stat: str = "Sum") -> dict[str, Any]:
    return {
        "Id": metric_id,
        "MetricStat": {
            "Metric": {
                "Namespace": namespace,
                "MetricName": name,
                "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
            },
            "Period": PERIOD,
            "Stat": stat,
        },
        "ReturnData": False,
    }


def _on_expression(description: str, expression: str, label: str, metrics: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "Metrics": [*metrics, {"Id": "total", "Expression": expression, "Label": label, "ReturnData": True}],
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            **notify(),
        },
    }


def _single(description: str, metric: dict[str, Any], statistic: str, threshold: Any, **extra: Any) -> dict[str, Any]:
    """An alarm on one metric's `statistic` (per minute), set off at `threshold` or above."""
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            **metric,
            "Statistic": statistic,
            "Period": 60,
            "EvaluationPeriods": 1,
            "Threshold": threshold,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            **extra,
            **notify(),
        },
    }


def _p99(description: str, namespace: str, name: str, dimensions: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "Namespace": namespace,
            "MetricName": name,
            "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
            "ExtendedStatistic": "p99",
            "Period": PERIOD,
            "EvaluationPeriods": LATENCY_PERIODS,
            "DatapointsToAlarm": LATENCY_PERIODS,
            "Threshold": Ref(LATENCY_THRESHOLD),
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            **notify(),
        },
    }


class Alarms:
    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    def hook_alarm(self, hook: HookRow) -> dict[str, Any]:
        dimensions = {HOOK_TYPE: hook.name, SERVICE: self.inventory.service}
        namespace = Sub(self.inventory.namespace_sub)
        return _on_expression(
            f"The {hook.name} hook failed (HookFailed: it raised, or answered the wrong shape) or ran out of its"
            f" deadline (Timeouts), wherever it ran, or {hook.function.logical_id} itself did (Lambda Errors: a"
            " crash outside the hook, the function's own timeout, out of memory); its last errors are on the"
            " dashboard.",
            "FILL(failed, 0) + FILL(timeouts, 0) + FILL(errors, 0)",
            f"{hook.name} failures and timeouts",
            [
                _stat("failed", namespace, HOOK_FAILED, dimensions),
                _stat("timeouts", namespace, TIMEOUTS, dimensions),
                _stat("errors", "AWS/Lambda", "Errors", {"FunctionName": Ref(hook.function.logical_id)}),
            ],
        )

    @staticmethod
    def latency_alarm(function: FunctionInfo) -> dict[str, Any]:
        routes = ", ".join(function.route_keys)
        return _p99(
            f"p99 of {function.logical_id}'s invocations ({routes}) above LatencyAlarmMilliseconds for 15 minutes.",
            "AWS/Lambda",
            "Duration",
            {"FunctionName": Ref(function.logical_id)},
        )

    def throttle_alarms(self) -> dict[str, Any]:
        functions = self.inventory.functions
        chunks = [functions[i : i + MAX_METRICS_PER_ALARM] for i in range(0, len(functions), MAX_METRICS_PER_ALARM)]
        alarms = {}
        for number, chunk in enumerate(chunks, start=1):
            names = ", ".join(function.logical_id for function in chunk)
            alarms[f"LambdaThrottlesAlarm{number if number > 1 else ''}"] = _on_expression(
                f"Lambda refused to run one of these functions (throttled): {names}.",
                "SUM(METRICS())",
                "throttles",
                [
                    _stat(f"t{index}", "AWS/Lambda", "Throttles", {"FunctionName": Ref(function.logical_id)})
                    for index, function in enumerate(chunk, start=1)
                ],
            )
        return alarms

    def registration_alarms(self) -> dict[str, Any]:
        def queue_metric(queue: str, name: str) -> dict[str, Any]:
            dimensions = [{"Name": "QueueName", "Value": GetAtt(f"{queue}.QueueName")}]
            return {"Namespace": "AWS/SQS", "MetricName": name, "Dimensions": dimensions}

        (lost,) = self.inventory.resources[LOST_REGISTRATIONS_FILTER]["Properties"]["MetricTransformations"]
        return {
            "RegistrationDeadLetterAlarm": _single(
                "A registration failed every attempt and waits in the dead-letter queue.",
                queue_metric(self.inventory.dead_letter_queue, "ApproximateNumberOfMessagesVisible"),
                "Maximum",
                1,
            ),
            "RegistrationAgeAlarm": _single(
                "A registration has waited in the queue longer than RegistrationAgeAlarmSeconds: its receiver keeps"
                " failing (see the worker's log), or the worker does not run.",
                queue_metric(self.inventory.registration_queue, "ApproximateAgeOfOldestMessage"),
                "Maximum",
                Ref(REGISTRATION_AGE_THRESHOLD),
            ),
            "RegistrationLostAlarm": _single(
                "A confirmed sign-up's registration could be neither enqueued nor kept; see the accept function's log.",
                {"Namespace": Sub(lost["MetricNamespace"]["Fn::Sub"]), "MetricName": lost["MetricName"]},
                "Sum",
                1,
            ),
        }

    def resources(self) -> dict[str, Any]:
        resources = {f"{hook.logical_id}FailuresAlarm": self.hook_alarm(hook) for hook in self.inventory.hooks}
        resources["HttpApiLatencyAlarm"] = _p99(
            "p99 latency of the whole API, as its callers see it, above LatencyAlarmMilliseconds for 15 minutes.",
            "AWS/ApiGateway",
            "Latency",
            {"ApiId": Ref(self.inventory.http_api)},
        )
        for function in self.inventory.api_functions:
            resources[f"{function.logical_id}LatencyAlarm"] = self.latency_alarm(function)
        resources.update(self.throttle_alarms())
        resources.update(self.registration_alarms())
        return resources
