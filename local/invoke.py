"""`make invoke FUNCTION=<LogicalId> EVENT=events/<file>.json`: `sam local invoke -e`, without Docker.

The function is read from template.yaml (CodeUri, Handler, Layers, Environment, Timeout) and run
in this interpreter. Its log lines go to stderr, as sam prints them; the response goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .lambda_runtime import context_for, load_handler
from .template import Template


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("function", help="the function's logical id in template.yaml, e.g. AccessFunction")
    parser.add_argument("event", type=Path, help="an event file, e.g. events/access-read-user.json")
    parser.add_argument(
        "--env-vars",
        "-n",
        type=Path,
        help='JSON overriding environment variables, as sam\'s -n: {"Parameters": {...}, "<LogicalId>": {...}}',
    )
    args = parser.parse_args(argv)

    functions = Template().functions()
    if args.function not in functions:
        parser.error(f"no function {args.function!r} in template.yaml; choose one of: {', '.join(sorted(functions))}")
    event = json.loads(args.event.read_text(encoding="utf-8"))

    response_stream = sys.stdout
    sys.stdout = sys.stderr  # the function's logs (Powertools writes to stdout) go to stderr
    function = functions[args.function]
    if args.env_vars:
        overrides = json.loads(args.env_vars.read_text(encoding="utf-8"))
        for scope in ("Parameters", args.function):
            function.environment.update({name: str(value) for name, value in overrides.get(scope, {}).items()})
    handler = load_handler(function)
    response = handler(event, context_for(function))
    print(json.dumps(response, indent=2), file=response_stream)
    return 0


if __name__ == "__main__":
    sys.exit(main())
