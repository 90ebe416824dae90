"""Access hook: may the dashboard user do `ctx.payload["action"]` on `ctx.payload["user"]`?

The original documentation's sample: Kelly manages the Finance department and may only access
users within it; the IT department may access everyone; nobody may delete users. Call
`callback(error)` to refuse (the caller gets 403 with the error's message) and `callback()` to
allow; `callback(None, user)` allows and replaces the user row (to redact fields, say).
"""

from dahooks import AccessResult, Callback, Context, HookError
from dahooks.users import department_of


def hook(ctx: Context, callback: Callback[AccessResult]) -> None:
    if ctx.payload["action"] == "delete:user":
        return callback(HookError("You are not allowed to delete users."))

    department = department_of(ctx.request.user)
    if department is None:
        return callback(HookError("The current user is not part of any department."))

    # The IT department can access all users.
    if department == "IT":
        return callback()

    user_department = department_of(ctx.payload["user"])
    ctx.log("Verifying access:", user_department, department)
    if user_department != department:
        return callback(HookError("You can only access users within your own department."))

    return callback()
