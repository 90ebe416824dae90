"""Hot reload: an edit to a function's code or to its layer takes effect on the next request, with no
restart. The access function and the runtime layer are copied to a temporary directory first: the
test edits the copies, never the repository's files."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from local.paths import ROOT
from local.testing import RunningStack, start_stack, table_prefix_of

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  JwtIssuer: {{Type: String}}
  JwtAudience: {{Type: String}}
Resources:
  HttpApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: JwtAuthorizer
        Authorizers:
          JwtAuthorizer:
            JwtConfiguration: {{issuer: !Ref JwtIssuer, audience: [!Ref JwtAudience]}}
  RuntimeLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {{ContentUri: runtime/}}
  AccessFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: access/
      Handler: app.handler
      Runtime: python3.13
      Layers: [!Ref RuntimeLayer]
      Events:
        Invoke:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: /hooks/access
            Method: POST
            Auth: {{AuthorizationScopes: [hooks:invoke]}}
"""

REFUSING_HOOK = """\
from dahooks import HookError
from reload_marker import MESSAGE


def hook(ctx, callback):
    return callback(HookError(MESSAGE))
"""

FIXED_HOOK = """\
from dahooks import HookError


def hook(ctx, callback):
    return callback(HookError("fixed"))
"""

REQUEST = {
    "request": {"user": {"app_metadata": {"department": "IT"}}},
    "payload": {"action": "read:user", "user": {"app_metadata": {"department": "Finance"}}},
}


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory, shared_dynamodb: str) -> Iterator[tuple[Path, RunningStack]]:
    root = tmp_path_factory.mktemp("reload")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "functions" / "access", root / "access", ignore=ignore)
    shutil.copytree(ROOT / "layers" / "runtime", root / "runtime", ignore=ignore)
    (root / "runtime" / "reload_marker.py").write_text('MESSAGE = "first"\n')
    (root / "template.yaml").write_text(TEMPLATE.format())
    # Not --quiet: the console is checked too.
    stack = start_stack(root / "template.yaml", root / "state", dynamodb_endpoint=shared_dynamodb)
    yield root, stack
    stack.stop()


def _access(stack: RunningStack) -> tuple[int, object]:
    response = stack.request("POST", "/hooks/access", REQUEST, token=stack.token("hooks:invoke"))
    return response.status, response.json()


def test_an_edited_hook_file_changes_the_next_response(copied: tuple[Path, RunningStack]) -> None:
    root, stack = copied
    shutil.copyfile(ROOT / "functions" / "access" / "hook.py", root / "access" / "hook.py")
    status, body = _access(stack)
    assert status == 200
    assert body["allowed"] is True
    (root / "access" / "hook.py").write_text(REFUSING_HOOK)
    status, body = _access(stack)
    assert status == 403
    assert body["message"] == "first"


def test_an_edited_layer_file_changes_the_next_response(copied: tuple[Path, RunningStack]) -> None:
    root, stack = copied
    (root / "access" / "hook.py").write_text(REFUSING_HOOK)
    _access(stack)
    (root / "runtime" / "reload_marker.py").write_text('MESSAGE = "second"\n')
    status, body = _access(stack)
    assert (status, body["message"]) == (403, "second")


def test_function_log_lines_reach_the_console_prefixed_with_the_function_name(
    copied: tuple[Path, RunningStack],
) -> None:
    root, stack = copied
    _access(stack)
    console = (root / "state" / "stack.out").read_text()
    assert "AccessFunction | START RequestId:" in console
    assert '"POST /hooks/access" ' in console  # the gateway's access log line
    assert (root / "state" / "logs" / "AccessFunction.log").read_text().count("START RequestId:") >= 1


def test_a_hook_saved_with_a_syntax_error_fails_until_it_is_fixed(copied: tuple[Path, RunningStack]) -> None:
    root, stack = copied
    (root / "access" / "hook.py").write_text("def hook(ctx, callback)\n    return callback()\n")
    status, body = _access(stack)
    assert (status, body) == (500, {"message": "Internal Server Error"})
    assert "SyntaxError" in (root / "state" / "logs" / "AccessFunction.log").read_text()
    (root / "access" / "hook.py").write_text(FIXED_HOOK)
    status, body = _access(stack)
    assert (status, body["message"]) == (403, "fixed")


def test_the_console_names_the_dynamodb_local_the_stack_was_given(copied: tuple[Path, RunningStack]) -> None:
    root, stack = copied
    console = (root / "state" / "stack.out").read_text()
    prefix = table_prefix_of(str(root / "state"))
    assert (
        f"DynamoDB Local {stack.ready['dynamodb']} (already running; this stack's tables start with '{prefix}')"
        in console
    )


def test_the_printed_curl_lines_work_as_printed(copied: tuple[Path, RunningStack]) -> None:
    root, stack = copied
    console = (root / "state" / "stack.out").read_text()
    lines = [line.strip() for line in console.splitlines() if line.strip().startswith("curl ")]
    assert len(lines) == 2  # the machine client's token, then one route in this template
    assert f"{stack.url}/oauth/token" in lines[0]
    assert f"{stack.url}/hooks/access" in lines[1]
    completed = subprocess.run(["bash", "-c", lines[1]], capture_output=True, text=True, timeout=30, check=True)
    answer = json.loads(completed.stdout)
    assert answer != {"message": "Unauthorized"}
    assert "requestId" in answer or "allowed" in answer  # the function itself answered
