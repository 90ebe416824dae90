"""Write hook: the user object sent to the Management API when a user is created or updated.

The original documentation's sample: users Kelly creates are members of her own department;
IT may create users in any department. The profile carries only the metadata the settings'
`userFields` let a dashboard user set (`app_metadata.<key>` / `user_metadata.<key>` fields marked
`create`, or `edit` on update: the data "included if a Custom Field being modified is saved" there,
as the original documents it), and `app_metadata.department` always comes from the chosen
membership, so a payload cannot smuggle in other metadata or place a user outside the caller's
department.
"""

from typing import Any

from dahooks import Callback, Context, HookError, WriteResult
from dahooks.users import department_of, settable_metadata

PROFILE_FIELDS = ("email", "password", "connection")


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
    new_profile.update(settable_metadata(ctx.payload, ctx.user_fields, ctx.method))
    new_profile["app_metadata"] = {**new_profile.get("app_metadata", {}), "department": memberships[0]}

    if ctx.method == "update":
        # When updating, send only the fields that change.
        original = ctx.request.original_user or {}
        new_profile = {name: value for name, value in new_profile.items() if original.get(name) != value}

    return callback(None, new_profile)
