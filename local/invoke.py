"""`make invoke FUNCTION=<LogicalId> EVENT=events/<file>.json`: `sam local invoke -e`, without Docker.

The function is read from template.yaml (CodeUri, Handler, Layers, Environment, Timeout) and run
in this interpreter. Its log lines go to stderr, as sam prints them; the response goes to stdout.
While `make run` is up, the function reaches that stack's DynamoDB Local, queues and secrets (its
`.local/stack.json`); `--env-vars` overrides variables as `sam local invoke -n` does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from .lambda_runtime import context_for, load_handler
from .paths import STATE_DIR
from .template import Template

RUNNING_STACK = STATE_DIR / "stack.json"


def running_stack(path: Path = RUNNING_STACK) -> dict[str, Any] | None:
    """What the running `make run` wrote about itself, or None when no stack is up."""
    with contextlib.suppress(OSError, ValueError):
        state = json.loads(path.read_text(encoding="utf-8"))
        os.kill(int(state["pid"]), 0)  # still alive?
        return state
    return None


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
    parser.add_argument("--stack", type=Path, default=RUNNING_STACK, help="the running stack's state file")
    args = parser.parse_args(argv)

    stack = running_stack(args.stack)
    functions = Template(values=stack["values"] if stack else None).functions()
    if args.function not in functions:
        parser.error(f"no function {args.function!r} in template.yaml; choose one of: {', '.join(sorted(functions))}")
    event = json.loads(args.event.read_text(encoding="utf-8"))

    function = functions[args.function]
    if stack:
        os.environ.update(stack["aws_environment"])
    if args.env_vars:
        overrides = json.loads(args.env_vars.read_text(encoding="utf-8"))
        for scope in ("Parameters", args.function):
            function.environment.update({name: str(value) for name, value in overrides.get(scope, {}).items()})

    response_stream = sys.stdout
    sys.stdout = sys.stderr  # the function's logs (Powertools writes to stdout) go to stderr
    handler = load_handler(function)
    response = handler(event, context_for(function))
    print(json.dumps(response, indent=2), file=response_stream)
    return 0


if __name__ == "__main__":
    sys.exit(main())
