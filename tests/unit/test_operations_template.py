"""The operations section of template.yaml, rendered as CloudFormation would fill it in: the
dashboard, the alarms, the saved queries and the console's test events cover every hook type,
every function and every events/ fixture, and the section is what `make generate` writes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dahooks.hook_types import HOOK_TYPES, POST_USER_REGISTRATION
from dahooks.metrics import (
    DEAD_LETTERED,
    DELIVERED,
    HOOK_COUNTERS,
    HOOK_DURATION,
    RETRIED,
    InvocationMetrics,
)
from local.paths import EVENTS, TEMPLATE
from local.template import NO_VALUE, Template
from local.testing import load_event
from tools.operations.__main__ import generate
from tools.operations.console_events import (
    MAX_CONTENT,
    MAX_NAME,
    REGISTRY,
    ConsoleEvents,
    UnclaimedFixtureError,
    event_name,
)
from tools.operations.inventory import Inventory


def physical_names(template: Template) -> dict[str, str]:
    """What `${Name}` and `${Name.Attribute}` become in a stack: a log group's name, anything else's logical id."""
    names = {}
    for name, resource in template.resources.items():
        is_log_group = resource["Type"] == "AWS::Logs::LogGroup"
        names[name] = template.resolve(resource["Properties"]["LogGroupName"]) if is_log_group else name
        for attribute in ("QueueName", "Arn", "RegistryName"):
            names[f"{name}.{attribute}"] = f"{name}.{attribute}"
    return names


TEMPLATE_VALUES = Template(values=physical_names(Template()))
RESOURCES = TEMPLATE_VALUES.resources
NAMESPACE = "delegated-admin-hooks/local"  # the template's namespace in the stack the local tools call "local"
SERVICE = "delegated-admin-hooks"


def of_type(kind: str) -> dict[str, dict[str, Any]]:
    return {name: resource for name, resource in RESOURCES.items() if resource["Type"] == kind}


def dashboard() -> list[dict[str, Any]]:
    (resource,) = of_type("AWS::CloudWatch::Dashboard").values()
    return json.loads(TEMPLATE_VALUES.resolve(resource["Properties"]["DashboardBody"]))["widgets"]


def expanded(metrics: list[list[Any]]) -> list[list[Any]]:
    """A widget's metric rows with CloudWatch's "." and "..." shorthands written out, options dropped."""
    rows: list[list[Any]] = []
    for row in metrics:
        fields = [item for item in row if not isinstance(item, dict)]
        if fields[:1] == ["..."]:
            fields = rows[-1][: len(rows[-1]) - len(fields) + 1] + fields[1:] if len(fields) > 1 else rows[-1]
        fields = [rows[-1][i] if value == "." else value for i, value in enumerate(fields)]
        rows.append(fields)
    return rows


def dashboard_metrics() -> list[list[Any]]:
    return [row for w in dashboard() if w["type"] == "metric" for row in expanded(w["properties"]["metrics"])]


def emf_dimensions(hook_type: str) -> dict[str, str]:
    """The dimensions the runtime writes for `hook_type`, read from a real EMF line of dahooks.metrics."""
    metrics = InvocationMetrics(HOOK_COUNTERS)
    metrics.add(hook_type, HOOK_COUNTERS[0])
    (line,) = metrics.lines()
    record = json.loads(line)
    (dimension_set,) = record["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
    return {name: record[name] for name in dimension_set}


def ours(name: str, hook_type: str) -> list[Any]:
    dimensions = emf_dimensions(hook_type)
    return [NAMESPACE, name, *(item for pair in dimensions.items() for item in pair)]


def test_the_committed_operations_section_is_what_make_generate_writes():
    assert TEMPLATE.read_text(encoding="utf-8") == generate(), "run `make generate`"


@pytest.mark.parametrize("hook", HOOK_TYPES)
def test_every_hook_type_has_a_dashboard_row_of_its_runs_durations_and_last_errors(hook):
    metrics = dashboard_metrics()
    row = [w for w in dashboard() if w["properties"].get("title", "").startswith(f"{hook}:")]
    (log_widget,) = [w for w in row if w["type"] == "log"]
    function = Inventory().function_in(HOOK_TYPES[hook].folder)
    percentiles = {
        m[-1]["stat"]
        for w in row
        if w["type"] == "metric"
        for m in w["properties"]["metrics"]
        if m[1:2] == [HOOK_DURATION] and isinstance(m[-1], dict)
    }

    for name in HOOK_COUNTERS:
        assert ours(name, hook) in metrics
    assert ours(HOOK_DURATION, hook) in metrics
    assert percentiles == {"p50", "p99"}
    assert f"SOURCE '/delegated-admin-hooks/local/{function.folder}'" in log_widget["properties"]["query"]
    assert log_widget["properties"]["query"].endswith("| limit 5")


def test_the_dashboard_shows_the_registration_pipeline_the_api_and_the_table():
    metrics = dashboard_metrics()
    names = {(row[0], row[1]) for row in metrics}

    for name in (DELIVERED, RETRIED, DEAD_LETTERED):
        assert ours(name, POST_USER_REGISTRATION) in metrics
    assert ("AWS/SQS", "ApproximateAgeOfOldestMessage") in names
    assert {("AWS/ApiGateway", "4xx"), ("AWS/ApiGateway", "5xx")} <= names
    assert {
        ("AWS/DynamoDB", "ConsumedReadCapacityUnits"),
        ("AWS/DynamoDB", "ConsumedWriteCapacityUnits"),
        ("AWS/DynamoDB", "ReadThrottleEvents"),
        ("AWS/DynamoDB", "WriteThrottleEvents"),
    } <= names
    for function in TEMPLATE_VALUES.functions():
        assert ["AWS/Lambda", "Throttles", "FunctionName", function] in metrics


def test_widgets_stay_on_the_grid_without_overlapping():
    cells = set()
    for widget in dashboard():
        assert widget["x"] + widget["width"] <= 24
        for x in range(widget["x"], widget["x"] + widget["width"]):
            for y in range(widget["y"], widget["y"] + widget["height"]):
                assert (x, y) not in cells
                cells.add((x, y))


def alarm_metrics(alarm: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    properties = TEMPLATE_VALUES.resolve(alarm["Properties"])
    if "Metrics" not in properties:
        dimensions = {d["Name"]: d["Value"] for d in properties.get("Dimensions", [])}
        return [(properties["Namespace"], properties["MetricName"], dimensions)]
    return [
        (
            query["MetricStat"]["Metric"]["Namespace"],
            query["MetricStat"]["Metric"]["MetricName"],
            {d["Name"]: d["Value"] for d in query["MetricStat"]["Metric"]["Dimensions"]},
        )
        for query in properties["Metrics"]
        if "MetricStat" in query
    ]


def watched() -> list[tuple[str, str, dict[str, str]]]:
    return [metric for alarm in of_type("AWS::CloudWatch::Alarm").values() for metric in alarm_metrics(alarm)]


@pytest.mark.parametrize("hook", HOOK_TYPES)
def test_every_hook_type_has_an_alarm_on_its_failures_and_timeouts(hook):
    dimensions = emf_dimensions(hook)
    alarms = [
        alarm
        for alarm in of_type("AWS::CloudWatch::Alarm").values()
        if (NAMESPACE, "HookFailed", dimensions) in alarm_metrics(alarm)
    ]

    (alarm,) = alarms
    function = Inventory().function_in(HOOK_TYPES[hook].folder).logical_id
    assert (NAMESPACE, "Timeouts", dimensions) in alarm_metrics(alarm)
    assert ("AWS/Lambda", "Errors", {"FunctionName": function}) in alarm_metrics(alarm)  # a crash outside the hook
    assert alarm["Properties"]["Threshold"] == 1


def test_every_function_has_a_throttle_alarm_and_those_behind_routes_a_p99_alarm():
    metrics = watched()
    routed = {route.function for route in TEMPLATE_VALUES.routes()}
    p99 = [
        TEMPLATE_VALUES.resolve(alarm["Properties"]["Dimensions"])[0]["Value"]
        for alarm in of_type("AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("ExtendedStatistic") == "p99" and alarm["Properties"]["Namespace"] == "AWS/Lambda"
    ]

    for function in TEMPLATE_VALUES.functions():
        assert ("AWS/Lambda", "Throttles", {"FunctionName": function}) in metrics
    assert sorted(p99) == sorted(routed)
    assert ("AWS/ApiGateway", "Latency", {"ApiId": "HttpApi"}) in metrics
    for alarm in of_type("AWS::CloudWatch::Alarm").values():
        assert len([q for q in alarm["Properties"].get("Metrics", []) if "MetricStat" in q]) <= 10


def test_the_registration_alarms_watch_dead_letters_the_oldest_registration_and_lost_ones():
    metrics = watched()

    assert (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        {"QueueName": "RegistrationDeadLetterQueue.QueueName"},
    ) in metrics
    assert ("AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": "RegistrationQueue.QueueName"}) in metrics
    assert (NAMESPACE, "RegistrationsLost", {}) in metrics


@pytest.mark.parametrize(
    ("values", "topics"),
    [
        ({"AlarmTopicArn": "arn:new"}, ["arn:new"]),
        ({"AlarmTopicArn": "arn:new", "RegistrationAlarmTopicArn": "arn:old"}, ["arn:new"]),
        ({"RegistrationAlarmTopicArn": "arn:old"}, ["arn:old"]),  # a deployment from before AlarmTopicArn
        ({}, NO_VALUE),
    ],
)
def test_every_alarm_notifies_the_one_topic_when_it_goes_off_and_when_it_clears(values, topics):
    template = Template(values=values)

    for alarm in of_type("AWS::CloudWatch::Alarm").values():
        assert template.resolve(alarm["Properties"]["AlarmActions"]) == topics
        assert template.resolve(alarm["Properties"]["OKActions"]) == topics


def test_each_hook_has_a_saved_query_of_its_last_five_errors_and_one_request_spans_every_log():
    queries = {
        TEMPLATE_VALUES.resolve(q["Properties"]["Name"]): q["Properties"]
        for q in of_type("AWS::Logs::QueryDefinition").values()
    }
    inventory = Inventory()
    log_groups = {f.logical_id: f.log_group for f in inventory.functions}

    for hook, hook_type in HOOK_TYPES.items():
        query = queries[f"local/hooks/{hook}/last-errors"]
        assert {"Ref": log_groups[inventory.function_in(hook_type.folder).logical_id]} in query["LogGroupNames"]
        assert f'hook = "{hook}"' in query["QueryString"]
        assert query["QueryString"].endswith("limit 5")
    one_request = queries["local/one-request"]
    assert {group["Ref"] for group in one_request["LogGroupNames"]} >= set(filter(None, log_groups.values()))
    assert [p["Name"] for p in one_request["Parameters"]] == ["requestId"]
    assert "{{requestId}}" in one_request["QueryString"]
    assert "local/hooks/refusals-by-message" in queries
    assert "local/slowest-requests" in queries


def schemas() -> dict[str, dict[str, Any]]:
    return {
        TEMPLATE_VALUES.resolve(s["Properties"]["SchemaName"]): s for s in of_type("AWS::EventSchemas::Schema").values()
    }


def test_every_fixture_is_a_test_event_of_the_function_that_takes_it():
    routes = {route.route_key: route.function for route in TEMPLATE_VALUES.routes()}
    shared: dict[str, str] = {}
    for schema_name, schema in schemas().items():
        content = json.loads(schema["Properties"]["Content"])
        for example in content["components"]["examples"].values():
            fixture = example["summary"].removeprefix("events/")
            assert example["value"] == load_event(fixture)
            assert fixture not in shared
            shared[fixture] = schema_name

    for path in EVENTS.glob("*.json"):
        event = load_event(path.name)
        if path.name == "eventbridge-auth0-ss.json":  # what the Auth0 rule sends to the queue: no function's event
            assert path.name not in shared
            continue
        if "routeKey" in event:
            assert shared[path.name] == f"_{routes[event['routeKey']]}-schema"
        else:
            assert path.name in shared
    assert shared["sqs-registration-new-user.json"] == "_RegistrationWorkerFunction-schema"
    assert shared["schedule-move-kept-registrations.json"] == "_RegistrationWorkerFunction-schema"
    assert shared["cognito-post-confirmation.json"] == "_PostUserRegistrationFunction-schema"


def test_test_events_fit_the_console_and_the_schemas_api():
    for schema in schemas().values():
        properties = schema["Properties"]
        names = list(json.loads(properties["Content"])["components"]["examples"])
        assert schema["Condition"] == "SharesTestEvents"
        assert properties["Type"] == "OpenApi3"
        assert TEMPLATE_VALUES.resolve(properties["RegistryName"]) == REGISTRY
        assert len(properties["Content"]) <= MAX_CONTENT
        assert all(1 <= len(name) <= MAX_NAME for name in names)
        assert len(set(names)) == len(names)


def test_the_test_event_registry_is_created_only_on_request_and_outlives_the_stack():
    (registry,) = of_type("AWS::EventSchemas::Registry").values()
    creating = Template(values={"CreateTestEventRegistry": "true"})

    assert registry["Condition"] == "CreatesTestEventRegistry"
    assert registry["DeletionPolicy"] == registry["UpdateReplacePolicy"] == "Retain"
    assert not TEMPLATE_VALUES.condition("CreatesTestEventRegistry")
    assert creating.condition("CreatesTestEventRegistry")
    assert TEMPLATE_VALUES.condition("SharesTestEvents")
    assert not Template(values={"ShareTestEvents": "false"}).condition("SharesTestEvents")
    for schema in of_type("AWS::EventSchemas::Schema").values():  # through the registry when the stack makes it
        assert creating.resolve(schema["Properties"]["RegistryName"]) == "TestEventRegistry.RegistryName"


def test_a_fixture_no_function_takes_stops_the_generator(tmp_path):
    (tmp_path / "stray.json").write_text(json.dumps({"routeKey": "GET /nowhere", "body": "{}"}))

    with pytest.raises(UnclaimedFixtureError, match="stray.json is claimed by no function"):
        ConsoleEvents(Inventory(), tmp_path).by_function()


@pytest.mark.parametrize(
    ("stem", "folder", "name"),
    [
        ("access-read-user", "access", "read-user"),
        ("cognito-post-confirmation", "post-user-registration", "cognito-post-confirmation"),
        # Too long: the first words that fit, 4 hex digits of SHA-1("write-create-..."), the outcome.
        ("write-create-caller-without-department-refused", "write", "create-b7fa-refused"),
        ("post-user-registration-email-verified-not-boolean-invalid", "post-user-registration", "email-aacb-invalid"),
        ("api-users-change-username-not-supported", "", "api-f440-not-supported"),
    ],
)
def test_event_names_lose_their_function_and_long_ones_keep_their_first_words_and_outcome(stem, folder, name):
    assert event_name(stem, folder) == name
