"""Write hook: the user object sent to the Management API when a user is created or updated.

The original documentation's sample: users Kelly creates are members of her own department;
IT may create users in any department. One deliberate change: the department comes from the
chosen membership *after* the payload's app_metadata, so a payload cannot smuggle in
`app_metadata.department` and place a user outside the caller's department.
"""

from typing import Any

from dahooks import Callback, Context, HookError, WriteResult
from dahooks.users import department_of

PROFILE_FIELDS = ("email", "password", "connection", "user_metadata")


def hook(ctx: Context, callback: Callback[WriteResult]) -> None:
    memberships = ctx.payload.get("memberships") or []
    if not memberships:
        return callback(HookError("The user must be created within a department."))

    current_department = department_of(ctx.request.user)
    if current_department is None:
        return callback(HookError("The current user is not part of any department."))

    # Outside IT, you can only create users within your own department.
    if current_department != "IT" and memberships[0] != current_department:
        return callback(HookError("You can only create users within your own department."))

    new_profile: dict[str, Any] = {name: ctx.payload[name] for name in PROFILE_FIELDS if name in ctx.payload}
    new_profile["app_metadata"] = {**(ctx.payload.get("app_metadata") or {}), "department": memberships[0]}

    if ctx.method == "update":
        # When updating, send only the fields that change.
        original = ctx.request.original_user or {}
        new_profile = {name: value for name, value in new_profile.items() if original.get(name) != value}

    return callback(None, new_profile)
