"""`make token SCOPES="hooks:invoke custom-data:read" [CLAIMS='{"app_metadata": {"department": "Finance"}}']`.

Prints a token the local stack accepts: signed by the local issuer's key under `.local/` (created
if missing, the same key `make run` uses), with the scopes and extra claims given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .authorizer import DEFAULT_LIFETIME_S, LocalIssuer, parse_claims
from .paths import STATE_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="print a development token for the local stack")
    parser.add_argument("--scopes", default="", help='space-separated, e.g. "hooks:invoke custom-data:read"')
    parser.add_argument("--claims", default="", help='extra claims as a JSON object, e.g. \'{"sub": "auth0|kelly"}\'')
    parser.add_argument("--lifetime", type=float, default=DEFAULT_LIFETIME_S, help="seconds until it expires")
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR)
    args = parser.parse_args(argv)
    try:
        claims = parse_claims(args.claims)
    except ValueError as error:
        parser.error(f"CLAIMS: {error}")
    print(LocalIssuer(args.state_dir).mint(args.scopes.split(), claims, args.lifetime))
    return 0


if __name__ == "__main__":
    sys.exit(main())
