"""`make invoke` never reaches AWS unless asked (`AWS=1`): without a local stack every AWS endpoint is a
refused port on this machine, with dummy credentials, whatever the developer's environment says.

A stand-in for "the developer's AWS" (an HTTP server on 127.0.0.1 the developer's variables point
at, with credentials that look real) records every request it gets: it must get none, and the
function must answer 503 as with DynamoDB down; with `--aws` it is what the function reaches.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from local.paths import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

FIXTURE = "events/custom-data-read.json"


class DevelopersAws:
    """Records the requests it gets and refuses each as AWS refuses an unknown key (not retried)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                self.rfile.read(int(self.headers.get("content-length") or 0))
                recorder.requests.append(
                    {"target": self.headers.get("x-amz-target", ""), "auth": self.headers["authorization"]}
                )
                body = b'{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"invalid token"}'
                self.send_response(400)
                self.send_header("content-type", "application/x-amz-json-1.0")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def developers_aws() -> Iterator[DevelopersAws]:
    aws = DevelopersAws()
    thread = threading.Thread(target=aws.server.serve_forever, daemon=True)
    thread.start()
    yield aws
    aws.server.shutdown()
    aws.server.server_close()


def developer_environment(aws: DevelopersAws, tmp_path: Path) -> dict[str, str]:
    """A developer's shell: real-looking credentials, a region, endpoints, a config file naming a profile."""
    config = tmp_path / "config"
    config.write_text(f"[default]\nregion = eu-west-1\nendpoint_url = {aws.url}\n")
    kept = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    return {
        **kept,
        "AWS_ACCESS_KEY_ID": "AKIADEVELOPERSREALKEY",
        "AWS_SECRET_ACCESS_KEY": "developers-real-secret-access-key",
        "AWS_SESSION_TOKEN": "developers-session-token",
        "AWS_REGION": "eu-west-1",
        "AWS_CONFIG_FILE": str(config),
        "AWS_ENDPOINT_URL": aws.url,
        "AWS_ENDPOINT_URL_DYNAMODB": aws.url,
    }


def invoke(environment: dict[str, str], tmp_path: Path, *flags: str) -> dict[str, Any]:
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "local.invoke",
            "CustomDataFunction",
            FIXTURE,
            "--stack",
            str(tmp_path / "no-stack.json"),
            *flags,
        ],
        cwd=ROOT,
        env={**environment, "DYNAMODB_MAX_ATTEMPTS": "2"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout)


def test_without_a_stack_nothing_reaches_the_developers_aws_and_storage_answers_503(developers_aws, tmp_path):
    response = invoke(developer_environment(developers_aws, tmp_path), tmp_path)

    assert developers_aws.requests == []
    assert response["statusCode"] == 503
    assert json.loads(response["body"])["error"] == "ServiceUnavailable"


def test_only_the_aws_flag_uses_the_developers_credentials_and_endpoints(developers_aws, tmp_path):
    invoke(developer_environment(developers_aws, tmp_path), tmp_path, "--aws")

    assert developers_aws.requests
    assert all("AKIADEVELOPERSREALKEY" in request["auth"] for request in developers_aws.requests)


def test_make_invoke_without_aws_is_offline_too(developers_aws, tmp_path):
    completed = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-s",
            "-C",
            str(ROOT),
            "invoke",
            "FUNCTION=CustomDataFunction",
            f"EVENT={FIXTURE}",
        ],
        env={**developer_environment(developers_aws, tmp_path), "DYNAMODB_MAX_ATTEMPTS": "2"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    assert developers_aws.requests == []
    assert json.loads(completed.stdout)["statusCode"] == 503
