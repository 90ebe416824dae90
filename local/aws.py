"""The local stand-in for an AWS account: its region and id, dummy credentials, and the two ways to
reach the local endpoints (DynamoDB Local and moto) — a boto3 client, or the environment variables
that point boto3, and so the functions unchanged, at them.

Credentials are always dummies: the local endpoints accept any, and real ones have no business in
a local run (they only keep botocore from looking for some). Without a local stack, a run that must
not reach AWS gets `unreachable_environment`: every endpoint refused on this machine.
"""

from __future__ import annotations

import contextlib
import os
import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

REGION = "us-east-1"
ACCOUNT = "123456789012"
CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}  # noqa: S105 - dummies
# What moto serves locally, as boto3 names them in AWS_ENDPOINT_URL_<SERVICE>.
MOTO_SERVICES = ("SQS", "SECRETS_MANAGER", "SSM")


def client(service: str, endpoint: str) -> Any:
    """A boto3 client for `service` at a local `endpoint`, whatever the environment says."""
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name=REGION, **CREDENTIALS)


def environment(*, dynamodb: str | None = None, moto: str | None = None, cognito: str | None = None) -> dict[str, str]:
    """The variables that point boto3 at DynamoDB Local (`dynamodb`), moto (`moto`) and the Cognito
    emulator (`cognito`), with the dummy credentials and the local region."""
    variables = {
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }
    if dynamodb:
        variables["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb
    if moto:
        variables.update({f"AWS_ENDPOINT_URL_{service}": moto for service in MOTO_SERVICES})
    if cognito:
        # boto3 names the variable after the service's id, "Cognito Identity Provider".
        variables["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = cognito
    return variables


@contextlib.contextmanager
def refused_endpoint() -> Iterator[str]:
    """A loopback endpoint where every connection is refused: a port held bound but not listening
    (so that nothing else can take it meanwhile), for as long as the block runs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


def unreachable_environment(endpoint: str) -> dict[str, str]:
    """`os.environ` with nothing of the developer's AWS setup left (credentials, profile, region,
    endpoints, config files) and every AWS endpoint at `endpoint`, with dummy credentials: whatever a
    function calls is refused on this machine and never reaches an AWS account."""
    kept = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    return {
        **kept,
        **environment(),
        "AWS_ENDPOINT_URL": endpoint,  # every service: botocore reads this before any config file
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
