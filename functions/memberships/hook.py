"""Memberships hook: the departments the dashboard user may assign to the users they create.

The original documentation's sample, with its "cached departments" made real: IT may assign
every department, anyone else only their own (createMemberships: true); a user without a
department may assign none. The department list is custom data (`PUT /custom-data` with
`{"data": {"departments": [...]}}`), falling back to the DEPARTMENTS setting until it is set.
It is cached twice: in `ctx.cache` (shared by every container, so the custom data is read once a
minute at most) and in `ctx.globals` (so a warm container asks DynamoDB nothing for a few seconds).
"""

import time

from dahooks import Context, MembershipsResult
from dahooks.config import env_list
from dahooks.users import department_of

CACHE_KEY = "departments"
SHARED_TTL_SECONDS = 60
CONTAINER_TTL_SECONDS = 10


def load_departments(ctx: Context) -> list[str]:
    """The departments in custom data, or the DEPARTMENTS setting when custom data has none."""
    departments = ctx.read().get("departments")
    if departments is None:
        return env_list("DEPARTMENTS") or ["IT"]
    if not isinstance(departments, list) or not all(isinstance(name, str) for name in departments):
        raise ValueError('custom data "departments" must be a list of department names')
    return departments


def all_departments(ctx: Context) -> list[str]:
    """Every department, from this container's copy, else the shared cache, else custom data."""
    now = time.monotonic()
    kept = ctx.globals.get(CACHE_KEY)
    if kept is not None and kept[0] > now:
        return kept[1]
    departments = ctx.cache.get_or_set(CACHE_KEY, lambda: load_departments(ctx), ttl_seconds=SHARED_TTL_SECONDS)
    ctx.globals[CACHE_KEY] = (now + CONTAINER_TTL_SECONDS, departments)
    return departments


def hook(ctx: Context) -> MembershipsResult:
    department = department_of(ctx.request.user)
    if department is None:
        return {"memberships": [], "createMemberships": False}
    if department == "IT":
        return {"memberships": all_departments(ctx), "createMemberships": True}
    return {"memberships": [department], "createMemberships": True}
