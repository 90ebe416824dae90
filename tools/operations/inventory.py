"""What the operations section is made of, read from the template and the hook-type registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dahooks.hook_types import HOOK_TYPES, POST_USER_REGISTRATION, POST_USER_REGISTRATION_FOLDER
from dahooks.metrics import NAMESPACE_VARIABLE
from local.template import Template

if TYPE_CHECKING:
    from dahooks.hook_types import HookType

FUNCTION = "AWS::Serverless::Function"
HTTP_API = "AWS::Serverless::HttpApi"
TABLE = "AWS::DynamoDB::Table"
QUEUE = "AWS::SQS::Queue"
FUNCTIONS_FOLDER = "functions"


@dataclass(frozen=True)
class FunctionInfo:
    logical_id: str
    folder: str  # its CodeUri relative to functions/: "access", or "" for one that holds them all
    log_group: str | None  # the logical id of its LoggingConfig.LogGroup
    route_keys: tuple[str, ...]  # the HTTP API routes it serves: "POST /hooks/access"


@dataclass(frozen=True)
class HookRow:
    """A hook type and the functions that run it: its own, and any that run every hook.py in process."""

    hook_type: HookType
    logical_id: str  # "CustomDomainHook": the stem of the resources made for it
    function: FunctionInfo
    in_process: tuple[FunctionInfo, ...]

    @property
    def name(self) -> str:
        return self.hook_type.name

    @property
    def log_groups(self) -> tuple[str, ...]:
        groups = [self.function.log_group, *(f.log_group for f in self.in_process)]
        return tuple(group for group in groups if group)


class Inventory:
    """The template's functions, API, table and queues, and the hook types with the functions that run them."""

    def __init__(self, template: Template | None = None) -> None:
        self.template = template or Template()
        self.resources: dict[str, Any] = self.template.resources
        self.functions = [self._function(logical_id) for logical_id in self._of_type(FUNCTION)]
        (self.http_api,) = self._of_type(HTTP_API)
        (self.table,) = self._of_type(TABLE)
        self.namespace_sub = self._global_variable(NAMESPACE_VARIABLE)["Fn::Sub"]
        self.service = str(self._global_variable("POWERTOOLS_SERVICE_NAME"))
        self.hooks = [self._hook_row(hook_type) for hook_type in HOOK_TYPES.values()]
        self.registration_functions = (
            self.function_in(POST_USER_REGISTRATION),
            self.function_in(POST_USER_REGISTRATION_FOLDER),
        )
        self.registration_queue, self.dead_letter_queue = self._registration_queues()

    def _of_type(self, resource_type: str) -> list[str]:
        return [name for name, resource in self.resources.items() if resource.get("Type") == resource_type]

    def _global_variable(self, name: str) -> Any:
        return self.template.document["Globals"]["Function"]["Environment"]["Variables"][name]

    def _function(self, logical_id: str) -> FunctionInfo:
        properties = self.resources[logical_id]["Properties"]
        code_uri = str(properties["CodeUri"]).rstrip("/")
        folder = code_uri.removeprefix(FUNCTIONS_FOLDER).lstrip("/")
        log_group = (properties.get("LoggingConfig") or {}).get("LogGroup", {}).get("Ref")
        routes = tuple(
            f"{event['Properties'].get('Method', 'ANY').upper()} {event['Properties']['Path']}"
            for event in (properties.get("Events") or {}).values()
            if event.get("Type") == "HttpApi"
        )
        return FunctionInfo(logical_id, folder, log_group, routes)

    def function_in(self, folder: str) -> FunctionInfo:
        """The function whose CodeUri is functions/<folder>/."""
        (found,) = [function for function in self.functions if function.folder == folder]
        return found

    def _hook_row(self, hook_type: HookType) -> HookRow:
        # A function whose code is the whole functions/ folder loads every hook.py by path and runs
        # them in process (the users API): its runs count in the same per-hook metrics.
        in_process = tuple(function for function in self.functions if function.folder == "")
        stem = "".join(word.capitalize() for word in hook_type.name.split("-")) + "Hook"
        return HookRow(hook_type, stem, self.function_in(hook_type.folder), in_process)

    def _registration_queues(self) -> tuple[str, str]:
        """The queue the worker polls, and the dead-letter queue of its redrive policy."""
        (worker_queue,) = [
            event["Properties"]["Queue"]["Fn::GetAtt"][0]
            for event in self.resources[self.registration_functions[1].logical_id]["Properties"]["Events"].values()
            if event.get("Type") == "SQS"
        ]
        redrive = self.resources[worker_queue]["Properties"]["RedrivePolicy"]
        return worker_queue, redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]

    @property
    def api_functions(self) -> list[FunctionInfo]:
        """The functions behind HTTP API routes, in template order."""
        return [function for function in self.functions if function.route_keys]
