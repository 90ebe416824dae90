"""A hook function, and any function granted no AWS service, must not pay for boto3 at cold start.

The layer imports boto3 only when a hook first touches storage (`ctx.read`, `ctx.write`, `ctx.cache`).

Each function is started the way the Lambda runtime starts it (and the way `make bench` times
it): a fresh interpreter, the function's CodeUri as the working directory, the layer on the path,
the template's environment. Then its `sys.modules` is read. Powertools itself imports the bare
`botocore` package (for its user agent), so the baseline is what importing Powertools' Logger
alone loads: a function may load no more of the AWS SDK than that.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from local.template import Function, Template
from local.testing import cold_command, starts_without_aws_sdk

TEMPLATE = Template()
FUNCTIONS = TEMPLATE.functions()
WITHOUT_AWS = sorted(logical_id for logical_id, f in FUNCTIONS.items() if starts_without_aws_sdk(TEMPLATE, f))
AWS_SDK_MODULES = "sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore'))"


def _after_start(function: Function | None, expression: str) -> object:
    """`expression` evaluated, as JSON, in a fresh interpreter right after `function` was imported."""
    command, env, cwd = cold_command(function, f"import json, sys\nprint(json.dumps({expression}))")
    completed = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def baseline_sdk_modules() -> set[str]:
    return set(_after_start(None, AWS_SDK_MODULES))


def test_boto3_is_importable_where_the_functions_start():
    # Without this the checks below would pass for the wrong reason: boto3 missing altogether.
    assert _after_start(None, "__import__('boto3').__name__") == "boto3"


def test_powertools_alone_loads_no_boto3(baseline_sdk_modules):
    assert "boto3" not in baseline_sdk_modules


def test_every_synchronous_hook_function_must_start_without_boto3():
    hook_routes = {route.function for route in TEMPLATE.routes() if route.path.startswith("/hooks/")}

    assert hook_routes - {"PostUserRegistrationFunction"} <= set(WITHOUT_AWS)
    assert "HealthFunction" in WITHOUT_AWS


@pytest.mark.parametrize("function_id", WITHOUT_AWS)
def test_function_starts_without_boto3(function_id, baseline_sdk_modules):
    loaded = set(_after_start(FUNCTIONS[function_id], AWS_SDK_MODULES))

    assert "boto3" not in loaded
    assert loaded <= baseline_sdk_modules


def test_the_accept_function_starts_without_the_worker_and_powertools_batch():
    # It only enqueues: the worker's machinery (batch processing, idempotency) is the other function's.
    heavy = ("aws_lambda_powertools.utilities.batch", "dahooks.registration.worker")
    expression = f"sorted(m for m in sys.modules if m.startswith({heavy!r}))"

    assert _after_start(FUNCTIONS["PostUserRegistrationFunction"], expression) == []
    assert "aws_lambda_powertools.utilities.batch" in _after_start(FUNCTIONS["RegistrationWorkerFunction"], expression)
