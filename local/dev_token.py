"""`make token SCOPES="hooks:invoke custom-data:read" [CLAIMS='{"app_metadata": {"department": "Finance"}}']`,
and `make token USER=kelly`.

Without USER it prints a token the local stack accepts on its hook and custom-data routes: a machine
token of the development client (`local-developer`, client credentials, as the hook routes
require), signed by the local issuer's key under `.local/` (created if missing, the same key `make
run` uses), with the scopes given and the claims of CLAIMS added or overridden (`null` drops one:
`{"sub": "auth0|kelly", "gty": null}` is a user's token, which the hook routes refuse). With USER it
prints a dashboard user's own access token for the users API, issued by the running stack's user
pool as it issues the dashboard's (a password sign-in with the demo password); `make run` must be
running.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .paths import STATE_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="print a development token for the local stack")
    parser.add_argument("--scopes", default="", help='space-separated, e.g. "hooks:invoke custom-data:read"')
    parser.add_argument("--claims", default="", help='extra claims as a JSON object, e.g. \'{"sub": "auth0|kelly"}\'')
    parser.add_argument("--lifetime", type=float, help="seconds until it expires (default: the local issuer's)")
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR)
    parser.add_argument("--user", default="", help="a demo user of the running stack's user pool, e.g. kelly")
    args = parser.parse_args(argv)
    if args.user:
        return _user_token(args.user, args.state_dir)
    # Imported for a machine token only: a user's token needs no signing key (and the JWT library
    # is half of what a printed curl line's `make token USER=...` would otherwise wait for).
    from .authorizer import DEFAULT_LIFETIME_S, LocalIssuer, parse_claims

    try:
        claims = parse_claims(args.claims)
    except ValueError as error:
        parser.error(f"CLAIMS: {error}")
    lifetime = DEFAULT_LIFETIME_S if args.lifetime is None else args.lifetime
    print(LocalIssuer(args.state_dir).mint(args.scopes.split(), claims, lifetime))
    return 0


def _user_token(user: str, state_dir: Path) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from .demo_directory import demo_password, running_pool, user_token

    try:
        pool = running_pool(state_dir)
    except FileNotFoundError:
        print("no user pool is running: start `make run` first", file=sys.stderr)
        return 1
    try:
        print(user_token(pool, user, demo_password(state_dir)))
    except (BotoCoreError, ClientError) as error:
        print(f"the user pool gave no token for {user!r}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
