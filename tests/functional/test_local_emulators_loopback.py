"""The local emulators are reachable from this machine only, and from no browser.

DynamoDB Local, moto's server (SQS, SSM, Secrets Manager) and the Cognito emulator, each started
as the local stack starts it, listen on 127.0.0.1 and nowhere else: a connection to one of this
machine's other addresses is refused, and the kernel's socket table shows a single listener, on
127.0.0.1. A request as a web page would send it (an Origin header, a CORS preflight) or as a
DNS-rebinding page would (a foreign Host) is refused with 403 before the emulator runs it, with no
Access-Control-* header; an SDK's request is served.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import re
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from local import aws

LIST_TABLES = {"x-amz-target": "DynamoDB_20120810.ListTables", "content-type": "application/x-amz-json-1.0"}
EMULATORS = ["dynamodb", "moto", "cognito"]


@pytest.fixture(params=EMULATORS)
def emulator(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(name, endpoint) of each emulator the local stack runs, started by the session's fixtures."""
    fixture = {"dynamodb": "dynamodb_endpoint", "moto": "moto_endpoint", "cognito": "user_pool"}[request.param]
    value = request.getfixturevalue(fixture)
    return request.param, value if isinstance(value, str) else value.pool.endpoint


def an_sdk_call_works(name: str, endpoint: str) -> bool:
    """One harmless call through boto3, as the stack's code makes them."""
    if name == "dynamodb":
        return os.environ["TABLE_NAME"] in aws.client("dynamodb", endpoint).list_tables()["TableNames"]
    if name == "moto":
        return aws.client("sqs", endpoint).list_queues()["ResponseMetadata"]["HTTPStatusCode"] == 200
    return bool(aws.client("cognito-idp", endpoint).list_user_pools(MaxResults=10)["UserPools"])


def port_of(endpoint: str) -> int:
    port = urlsplit(endpoint).port
    assert port is not None
    return port


def other_ipv4_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, from `ip -4 addr`."""
    output = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r"\binet (\d+\.\d+\.\d+\.\d+)/", output)
    return [address for address in found if not ipaddress.ip_address(address).is_loopback]


def listeners(port: int) -> list[str]:
    """The local addresses listening on `port`, from the kernel's TCP tables (IPv4 and IPv6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(_address(address))
    return found


def _address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1]))
    words = b"".join(raw[index : index + 4][::-1] for index in range(0, 16, 4))
    return str(ipaddress.IPv6Address(words))


def request(endpoint: str, method: str = "POST", **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port_of(endpoint), timeout=30)
    body = b"{}" if method == "POST" else None
    connection.request(method, "/", body=body, headers={**LIST_TABLES, **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_it_listens_on_127_0_0_1_only(emulator: tuple[str, str]) -> None:
    assert listeners(port_of(emulator[1])) == ["127.0.0.1"]


def test_another_address_of_this_machine_is_refused(emulator: tuple[str, str]) -> None:
    addresses = other_ipv4_addresses()
    if not addresses:
        pytest.fail(
            "this machine has no IPv4 address but loopback (`ip -4 addr`), so no other address can be "
            "tried; test_it_listens_on_127_0_0_1_only checks the bound address in /proc/net/tcp instead"
        )
    for address in addresses:
        with pytest.raises(ConnectionRefusedError), socket.create_connection((address, port_of(emulator[1])), 5):
            pass


def test_an_sdk_request_is_served(emulator: tuple[str, str]) -> None:
    assert an_sdk_call_works(*emulator)


def test_dynamodb_local_itself_answers_an_unsigned_request_without_browser_marks(dynamodb_endpoint: str) -> None:
    # As an SDK sends it but unsigned: DynamoDB Local answers (400: no signature), not the guard.
    assert request(dynamodb_endpoint).status == 400


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("POST", {"Origin": "http://evil.example"}),
        ("POST", {"Origin": "http://localhost:3000"}),
        ("POST", {"Origin": "null"}),
        ("OPTIONS", {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}),
        ("OPTIONS", {}),
        ("POST", {"Host": "evil.example"}),
        ("POST", {"Host": "evil.example:8000"}),
        ("POST", {"Host": "127.0.0.1.nip.io"}),
    ],
    ids=["origin", "local-origin", "null-origin", "preflight", "options", "host", "host-with-port", "rebinding-name"],
)
def test_a_browsers_or_a_rebinding_pages_request_is_403_without_cors_headers(emulator, method, headers):
    response = request(emulator[1], method, **headers)

    assert response.status == 403
    assert not [name for name, _ in response.getheaders() if name.lower().startswith("access-control-")]
