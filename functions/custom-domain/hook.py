"""Custom domain hook: which domain the emails the dashboard sends should use.

Not configured: `{}` keeps Auth0's default. Return `{"customDomain": "login.example.com"}` to use
one of the tenant's custom domains, or `{"useCanonicalDomain": True}` for the canonical one.
"""

from typing import Any

from dahooks import Context


def hook(ctx: Context) -> dict[str, Any]:
    return {}
