"""Settings hook: how the dashboard looks and behaves for the dashboard user.

In the spirit of the original sample: the title names the caller's department, the
"Memberships" label reads "Departments", the department is shown as a user field, and only
department members (IT included) may create users.
"""

from typing import Any

from dahooks import Context
from dahooks.users import department_of


def hook(ctx: Context) -> dict[str, Any]:
    department = department_of(ctx.request.user)
    return {
        "dict": {
            "title": f"{department} User Management" if department else "User Management",
            "memberships": "Departments",
        },
        "userFields": [
            {
                "property": "app_metadata.department",
                "label": "Department",
                "display": True,
                "edit": False,
            }
        ],
        "canCreateUser": department is not None,
    }
