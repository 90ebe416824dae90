"""Memberships hook: the departments the dashboard user may assign to the users they create.

IT may assign every department (the DEPARTMENTS setting, comma-separated); anyone else only
their own. A user without a department may assign none, as in the original sample.
"""

from typing import Any

from dahooks import Context
from dahooks.config import env_list
from dahooks.users import department_of


def hook(ctx: Context) -> dict[str, Any]:
    department = department_of(ctx.request.user)
    if department is None:
        return {"memberships": [], "createMemberships": False}
    if department == "IT":
        return {"memberships": env_list("DEPARTMENTS") or [department], "createMemberships": True}
    return {"memberships": [department], "createMemberships": True}
