"""The users API's routes, one table: path, the permission each needs, what the audit calls it.

Reading routes (GET) need `read:users` and changing ones `manage:users`; the whole audit log needs
`read:logs`, the configuration page's routes (`/api/config/...`, ours) `manage:config`. The audit
action of a per-user route is the access hook's action; the others have names of their own. The
other paths are the original extension's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import changing, configuring, reading
from .roles import MANAGE_CONFIG, READ_LOGS, permission_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from .exchange import Exchange


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # in Powertools' form: /api/users/<id>
    action: str  # what the audit log calls it
    handler: Callable[[Exchange], tuple[int, Any]]
    permission: str = ""  # empty: the method's (read:users for GET, manage:users otherwise)
    dry: bool = False  # a POST that changes nothing (the runner's): audited only when refused

    @property
    def needs(self) -> str:
        return self.permission or permission_for(self.method)

    @property
    def changes(self) -> bool:
        return self.method != "GET" and not self.dry


USER = "/api/users/<id>"
CONFIG_DATA = "/api/config/custom-data"
ROUTES = (
    Route("GET", "/api/users", "list:users", reading.list_users),
    Route("POST", "/api/users", "create:user", changing.create_user),
    Route("GET", USER, "read:user", reading.get_user),
    Route("PATCH", USER, "change:profile", changing.update_user),
    Route("DELETE", USER, "delete:user", changing.delete_user),
    Route("POST", f"{USER}/password-reset", "reset:password", changing.reset_password),
    Route("PUT", f"{USER}/change-password", "change:password", changing.change_password),
    Route("PUT", f"{USER}/change-username", "change:username", changing.change_username),
    Route("PUT", f"{USER}/change-email", "change:email", changing.change_email),
    Route("PUT", f"{USER}/block", "block:user", changing.block_user),
    Route("PUT", f"{USER}/unblock", "unblock:user", changing.unblock_user),
    Route("DELETE", f"{USER}/multifactor/<provider>", "remove:multifactor-provider", changing.remove_multifactor),
    Route("POST", f"{USER}/send-verification-email", "send:verification-email", changing.send_verification_email),
    Route("GET", f"{USER}/devices", "read:devices", reading.devices),
    Route("GET", f"{USER}/logs", "read:logs", reading.user_logs),
    Route("GET", "/api/me", "read:me", reading.me),
    Route("GET", "/api/settings", "read:settings", reading.settings),
    Route("GET", "/api/logs", "read:logs", reading.logs, permission=READ_LOGS),
    Route("GET", CONFIG_DATA, "read:custom-data", configuring.custom_data, permission=MANAGE_CONFIG),
    Route("PUT", CONFIG_DATA, "write:custom-data", configuring.write_custom_data, permission=MANAGE_CONFIG),
    Route("GET", "/api/config/hooks", "read:hooks", configuring.hooks, permission=MANAGE_CONFIG),
    Route("POST", "/api/config/hooks/<hook>/run", "run:hook", configuring.run_hook, permission=MANAGE_CONFIG, dry=True),
)
