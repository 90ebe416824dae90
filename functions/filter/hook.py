"""Filter hook: the Lucene query that limits which users the dashboard user may list.

The original documentation's sample: IT sees everyone (no query); anyone else sees only the
users of their own department. The department is quoted with `lucene.field_equals`, so a name
holding a quote or a Lucene operator cannot widen the query. Combine it with a user's own search
through `dahooks.lucene.restrict` (it parses both and joins them as trees; see docs/writing-hooks.md),
never by pasting strings together.
"""

from dahooks import Context, HookError
from dahooks.lucene import field_equals
from dahooks.users import department_of


def hook(ctx: Context) -> str | None:
    department = department_of(ctx.request.user)
    if department is None:
        raise HookError("The current user is not part of any department.")

    # The IT department can see all users.
    if department == "IT":
        return None

    return field_equals("app_metadata.department", department)
