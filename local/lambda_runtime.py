"""Loading a function of the template into this interpreter, as the Lambda runtime would.

Used by `make invoke`, by the functional tests and by the gateway's worker processes: the
function's environment comes from the template, its CodeUri and layers go on `sys.path` (the
layers where Lambda puts /opt/python), and its handler module is imported under a name of its
own so that several functions can share one interpreter in tests.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.shared.constants import XRAY_TRACE_ID_ENV

from . import aws

if TYPE_CHECKING:
    from .template import Function

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The context object Lambda passes to a handler, with a real deadline."""

    function_name: str
    memory_limit_in_mb: int
    timeout: float
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = "local"
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout
        self.log_group_name = f"/aws/lambda/{self.function_name}"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{aws.REGION}:{aws.ACCOUNT}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def context_for(function: Function, timeout: float | None = None) -> LambdaContext:
    """A fresh context for one invocation of `function`."""
    return LambdaContext(
        function_name=function.logical_id,
        memory_limit_in_mb=function.memory_mb,
        timeout=function.timeout if timeout is None else timeout,
    )


TRACE_VARIABLE = XRAY_TRACE_ID_ENV  # _X_AMZN_TRACE_ID, which Powertools reads


def trace_header() -> str:
    """A fresh X-Ray trace header, as Lambda's runtime API hands one to each invocation
    (Lambda-Runtime-Trace-Id): a Root of the epoch seconds in hex and 96 random bits, a parent."""
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=0"


def start_trace() -> str:
    """Set `_X_AMZN_TRACE_ID` to a fresh header before an invocation, as Lambda's runtime does:
    Powertools' Logger writes its Root as every line's `xray_trace_id`. Returns the header."""
    header = trace_header()
    os.environ[TRACE_VARIABLE] = header
    return header


def load_handler(function: Function, *, set_environment: bool = True) -> Handler:
    """Import `function`'s handler as Lambda would and return it.

    With `set_environment`, the template's variables are put into `os.environ` first (the
    handler module reads them at import time, as it would in a container).
    """
    if set_environment:
        os.environ.update(function.environment)
        os.environ.setdefault("AWS_LAMBDA_FUNCTION_NAME", function.logical_id)
    for path in [*function.layers, function.code_uri]:
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    module_name, _, attribute = function.handler.rpartition(".")
    source = function.code_uri / f"{module_name.replace('.', '/')}.py"
    unique_name = f"lambda_{function.logical_id}_{module_name}"
    spec = importlib.util.spec_from_file_location(unique_name, source)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {source}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique_name] = module
    spec.loader.exec_module(module)
    return getattr(module, attribute)
