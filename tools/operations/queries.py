"""Logs Insights saved queries (AWS::Logs::QueryDefinition), listed in the console under the stack's name.

- `<stack>/hooks/<hook>/last-errors`: a hook type's last errors with their request ids, wherever it ran;
- `<stack>/hooks/refusals-by-message`: how often each hook refused, by its message;
- `<stack>/slowest-requests`: the slowest invocations of every function (Lambda's REPORT lines);
- `<stack>/one-request`: everything every function (and the API's access log, when the template has
  one) wrote about one request, by API Gateway's request id (the functions' `correlation_id`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cfn import Ref, Sub
from .dashboard import errors_query

if TYPE_CHECKING:
    from .inventory import Inventory

# The record the runtime writes when a hook refuses: its message, and the refusal in `reason`.
REFUSAL_MESSAGE = "the hook refused the request"
SLOWEST = 25


def _query(name: str, log_groups: list[str], query: str, **extra: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Logs::QueryDefinition",
        "Properties": {
            "Name": Sub("${AWS::StackName}/" + name),
            "LogGroupNames": [Ref(group) for group in log_groups],
            "QueryString": query,
            **extra,
        },
    }


class Queries:
    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    def _all_log_groups(self) -> list[str]:
        return [function.log_group for function in self.inventory.functions if function.log_group]

    def _hook_log_groups(self) -> list[str]:
        return list(dict.fromkeys(group for hook in self.inventory.hooks for group in hook.log_groups))

    def access_log_group(self) -> str | None:
        """The HTTP API's access log group, when the template sends its access log to one of its own."""
        settings = self.inventory.resources[self.inventory.http_api]["Properties"].get("AccessLogSettings") or {}
        target = (settings.get("DestinationArn") or {}).get("Fn::GetAtt")
        return str(target[0]) if target else None

    def resources(self) -> dict[str, Any]:
        resources = {
            f"{hook.logical_id}LastErrorsQuery": _query(
                f"hooks/{hook.name}/last-errors", list(hook.log_groups), errors_query(f'hook = "{hook.name}" and ')
            )
            for hook in self.inventory.hooks
        }
        resources["RefusalsByMessageQuery"] = _query(
            "hooks/refusals-by-message",
            self._hook_log_groups(),
            f'filter message = "{REFUSAL_MESSAGE}" | stats count(*) as refusals by hook, reason | sort refusals desc',
        )
        resources["SlowestRequestsQuery"] = _query(
            "slowest-requests",
            self._all_log_groups(),
            'filter @type = "REPORT"'
            " | fields @timestamp, @log, @requestId, @duration, @billedDuration,"
            " @maxMemoryUsed / 1048576 as maxMemoryMB"
            f" | sort @duration desc | limit {SLOWEST}",
        )
        access_log = self.access_log_group()
        resources["OneRequestQuery"] = _query(
            "one-request",
            [*([access_log] if access_log else []), *self._all_log_groups()],
            'fields @timestamp, @log, @message | filter correlation_id = "{{requestId}}" or requestId = "{{requestId}}"'
            " | sort @timestamp asc",
            Parameters=[
                {
                    "Name": "requestId",
                    "Description": "API Gateway's request id: an error body's requestId, the functions' correlation_id",
                }
            ],
        )
        return resources
