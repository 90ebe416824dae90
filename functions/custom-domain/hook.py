"""Custom domain hook: which domain the emails the dashboard sends should use.

Not configured: `{}` keeps Auth0's default. Return `{"customDomain": "login.example.com"}` to use
one of the tenant's custom domains, or `{"useCanonicalDomain": True}` for the canonical one.
"""

from dahooks import Context, CustomDomainResult


def hook(ctx: Context) -> CustomDomainResult:
    return {}
