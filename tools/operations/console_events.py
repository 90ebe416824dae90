"""Every events/ fixture in its function's Test tab of the Lambda console, shared with the account.

The console keeps shareable test events in the EventBridge schema registry
`lambda-testevent-schemas`: one schema `_<function name>-schema` per function, of type OpenApi3,
whose `components.examples.<event name>.value` are the events. Each function with fixtures gets
such a schema here, made from the files as they are.

Which function a fixture belongs to follows from what it is:

1. an HTTP API event (`routeKey`): the function whose HttpApi event has that route;
2. a Cognito trigger (`triggerSource`): the function a Cognito user pool may invoke (the
   template's AWS::Lambda::Permission for cognito-idp.amazonaws.com);
3. an SQS batch (`Records` from `aws:sqs`): the function with an SQS event source;
4. EventBridge's "Scheduled Event": the function with a Schedule event;
5. any other EventBridge event: the AWS::Events::Rule whose pattern it matches; when that rule's
   targets are not functions (the Auth0 sign-ups go to the registration queue), the fixture is
   what the rule receives, no function's event, and is left out.

A fixture none of these claims, or that two functions claim, stops the generator.

Event names are the file's stem without its function's folder (`access-read-user-own-department`
is `read-user-own-department` in AccessFunction). The console's "Event name" field takes at most
25 characters (as it was remembered; no AWS page states it): a longer name keeps its first whole
words and its last (the outcome: refused, invalid, not-supported), around 4 hex digits of the
stem's SHA-1, and the example's `summary` names the file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from local.paths import EVENTS

from .cfn import GetAtt, If, Sub

if TYPE_CHECKING:
    from pathlib import Path

    from .inventory import Inventory

REGISTRY = "lambda-testevent-schemas"
REGISTRY_LOGICAL_ID = "TestEventRegistry"
SHARES_TEST_EVENTS = "SharesTestEvents"  # condition of the ShareTestEvents parameter
CREATES_REGISTRY = "CreatesTestEventRegistry"  # condition of the CreateTestEventRegistry parameter
MAX_CONTENT = 100_000  # the Schemas API's limit on a schema's Content, in characters
MAX_NAME = 25
HASH_DIGITS = 4
COGNITO = "cognito-idp.amazonaws.com"
NOT = "not"


class UnclaimedFixtureError(ValueError):
    """A fixture no function (or more than one) claims."""


@dataclass(frozen=True)
class ConsoleEvent:
    fixture: str  # the file's name in events/
    name: str  # the event's name in the console
    event: Any


def event_name(stem: str, folder: str) -> str:
    """The console name of fixture `stem` in the function whose folder is `folder`."""
    name = stem.removeprefix(f"{folder}-") if folder else stem
    if len(name) <= MAX_NAME:
        return name
    *words, outcome = name.split("-")
    if words and words[-1] == NOT:  # "not-supported" is the outcome, not "supported"
        outcome = f"{words.pop()}-{outcome}"
    digest = hashlib.sha1(stem.encode(), usedforsecurity=False).hexdigest()[:HASH_DIGITS]
    budget = MAX_NAME - len(digest) - len(outcome) - 2
    head: list[str] = []
    for word in words:
        if len("-".join([*head, word])) > budget:
            break
        head.append(word)
    return "-".join([*head, digest, outcome])


def matches(pattern: Any, value: Any) -> bool:
    """EventBridge's matching of exact values: a list of allowed values, or a nested pattern."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(key in value and matches(p, value[key]) for key, p in pattern.items())
    if isinstance(pattern, list):
        return value in pattern or (isinstance(value, list) and any(item in pattern for item in value))
    return bool(pattern == value)


class ConsoleEvents:
    def __init__(self, inventory: Inventory, events: Path = EVENTS) -> None:
        self.inventory = inventory
        self.events = events
        self.by_logical_id = {function.logical_id: function for function in inventory.functions}

    def _with_event_type(self, event_type: str) -> list[str]:
        return [
            function.logical_id
            for function in self.inventory.functions
            for event in (self.inventory.resources[function.logical_id]["Properties"].get("Events") or {}).values()
            if event.get("Type") == event_type
        ]

    def _cognito_triggers(self) -> list[str]:
        return [
            resource["Properties"]["FunctionName"]["Fn::GetAtt"][0]
            for resource in self.inventory.resources.values()
            if resource.get("Type") == "AWS::Lambda::Permission" and resource["Properties"].get("Principal") == COGNITO
        ]

    def _rules_matching(self, event: dict[str, Any]) -> list[tuple[str, list[str]]]:
        """The rules whose pattern `event` matches, each with the functions among its targets."""
        found = []
        for name, resource in self.inventory.resources.items():
            if resource.get("Type") != "AWS::Events::Rule":
                continue
            properties = resource["Properties"]
            if matches(properties.get("EventPattern") or {}, event):
                targets = [str((t.get("Arn") or {}).get("Fn::GetAtt", [""])[0]) for t in properties.get("Targets", [])]
                found.append((name, [t for t in targets if t in self.by_logical_id]))
        return found

    def claimants(self, event: Any) -> tuple[list[str], str | None]:
        """The functions that take `event`; or none and the rule that takes it when it is no function's."""
        if not isinstance(event, dict):
            return [], None
        if "routeKey" in event:
            return [f.logical_id for f in self.inventory.functions if event["routeKey"] in f.route_keys], None
        if "triggerSource" in event:
            return self._cognito_triggers(), None
        records = event.get("Records")
        if isinstance(records, list) and records and all(r.get("eventSource") == "aws:sqs" for r in records):
            return self._with_event_type("SQS"), None
        if event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event":
            return self._with_event_type("Schedule"), None
        if "detail-type" in event:
            rules = self._rules_matching(event)
            functions = [function for _, targets in rules for function in targets]
            if not functions and len(rules) == 1:
                return [], rules[0][0]
            return functions, None
        return [], None

    def by_function(self) -> tuple[dict[str, list[ConsoleEvent]], dict[str, str]]:
        """The test events of each function, and the fixtures left out with the rule that takes them."""
        found: dict[str, list[ConsoleEvent]] = {}
        left_out: dict[str, str] = {}
        for path in sorted(self.events.glob("*.json")):
            event = json.loads(path.read_text(encoding="utf-8"))
            functions, rule = self.claimants(event)
            if rule is not None:
                left_out[path.name] = rule
                continue
            if len(functions) != 1:
                claimed = f"claimed by {', '.join(functions)}" if functions else "claimed by no function"
                raise UnclaimedFixtureError(f"events/{path.name} is {claimed}: see tools/operations/console_events.py")
            function = self.by_logical_id[functions[0]]
            found.setdefault(function.logical_id, []).append(
                ConsoleEvent(path.name, event_name(path.stem, function.folder), event)
            )
        for logical_id, events in found.items():
            names = [event.name for event in events]
            if len(set(names)) != len(names):
                raise UnclaimedFixtureError(f"two fixtures of {logical_id} have the same event name: {sorted(names)}")
        return found, left_out

    @staticmethod
    def content(events: list[ConsoleEvent]) -> str:
        """The schema document the console reads: one example per event, one per line."""
        examples = ",\n".join(
            json.dumps(event.name) + ":" + json.dumps({"summary": f"events/{event.fixture}", "value": event.event})
            for event in events
        )
        return (
            '{"openapi":"3.0.0","info":{"version":"1.0.0","title":"Event"},"paths":{},\n'
            '"components":{"schemas":{"Event":{"type":"object"}},"examples":{\n' + examples + "\n}}}\n"
        )

    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = {
            REGISTRY_LOGICAL_ID: {
                "Type": "AWS::EventSchemas::Registry",
                "Condition": CREATES_REGISTRY,
                # Other functions' shared events live in it too: deleting this stack must not take them.
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "RegistryName": REGISTRY,
                    "Description": "The Lambda console's shareable test events (created by this stack, kept after it)",
                },
            }
        }
        for logical_id, events in self.by_function()[0].items():
            content = self.content(events)
            if len(content) > MAX_CONTENT:
                raise ValueError(f"{logical_id}'s test events are {len(content)} characters, over {MAX_CONTENT}")
            resources[f"{logical_id}TestEvents"] = {
                "Type": "AWS::EventSchemas::Schema",
                "Condition": SHARES_TEST_EVENTS,
                "Properties": {
                    # Through the registry resource when this stack creates it, so that it exists first.
                    "RegistryName": If(CREATES_REGISTRY, GetAtt(f"{REGISTRY_LOGICAL_ID}.RegistryName"), REGISTRY),
                    "SchemaName": Sub("_${" + logical_id + "}-schema"),
                    "Type": "OpenApi3",
                    "Description": f"{logical_id}'s test events, from events/ (written by make generate)",
                    "Content": content,
                },
            }
        return resources
