"""`make invoke FUNCTION=<LogicalId> EVENT=events/<file>.json [AWS=1]`: `sam local invoke -e`, without Docker.

The function is read from template.yaml (CodeUri, Handler, Layers, Environment, Timeout) and run
in this interpreter. Its log lines go to stderr, as sam prints them; the response goes to stdout.
While `make run` is up, the function reaches that stack's DynamoDB Local, queues and secrets (its
`.local/stack.json`). It never reaches AWS: every endpoint the stack does not serve (all of them
without a stack) is a refused port on 127.0.0.1, with dummy credentials, whatever the developer's
profile or variables say, so storage answers 503 as it would with DynamoDB down. `--aws` (`AWS=1`)
is the only way to use the developer's own AWS credentials and endpoints (and no local stack).
`--env-vars` overrides variables as `sam local invoke -n` does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from . import aws
from .lambda_runtime import context_for, load_handler, start_trace
from .paths import STATE_DIR
from .template import Function, Template

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
    parser.add_argument("event", type=Path, help="an event file, e.g. events/access-read-user-own-department.json")
    parser.add_argument(
        "--env-vars",
        "-n",
        type=Path,
        help='JSON overriding environment variables, as sam\'s -n: {"Parameters": {...}, "<LogicalId>": {...}}',
    )
    parser.add_argument("--stack", type=Path, default=RUNNING_STACK, help="the running stack's state file")
    parser.add_argument(
        "--aws", action="store_true", help="without a local stack, use your AWS credentials and endpoints (real AWS)"
    )
    args = parser.parse_args(argv)

    stack = None if args.aws else running_stack(args.stack)
    functions = Template(values=stack["values"] if stack else None).functions()
    if args.function not in functions:
        parser.error(f"no function {args.function!r} in template.yaml; choose one of: {', '.join(sorted(functions))}")
    event = json.loads(args.event.read_text(encoding="utf-8"))

    function = functions[args.function]
    with contextlib.ExitStack() as cleanup:
        if not args.aws:  # any service the stack does not serve is refused too, never sent to AWS
            environment = aws.unreachable_environment(cleanup.enter_context(aws.refused_endpoint()))
            os.environ.clear()
            os.environ.update(environment)
        if stack:
            os.environ.update(stack["aws_environment"])
        return _invoke(function, event, args.env_vars)


def _invoke(function: Function, event: dict[str, Any], env_vars: Path | None) -> int:
    if env_vars:
        overrides = json.loads(env_vars.read_text(encoding="utf-8"))
        for scope in ("Parameters", function.logical_id):
            function.environment.update({name: str(value) for name, value in overrides.get(scope, {}).items()})

    response_stream = sys.stdout
    sys.stdout = sys.stderr  # the function's logs (Powertools writes to stdout) go to stderr
    handler = load_handler(function)
    start_trace()
    response = handler(event, context_for(function))
    print(json.dumps(response, indent=2), file=response_stream)
    return 0


if __name__ == "__main__":
    sys.exit(main())
