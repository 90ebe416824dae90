"""The test harness, imported like Starlette's `testclient`: what the tests and the benchmarks use to
drive this project locally, and the one place they import it from.

- Events and functions in process: `http_event` (what API Gateway sends after its JWT authorizer),
  `load_event` (an events/ fixture), `WarmFunctions` (the template's handlers, loaded once as warm
  containers keep them), `hook_from_source` and `call_hook` (a hook function written on the spot,
  and a request to it), `synchronous_hook_routes`, `hook_path`, and the sample dashboard users.
- Custom data: `hook_context` (a ctx in a container of its own), `random_text_document`, and
  `increment_counter` (a container racing others from a process of its own).
- The local stack: `start_stack` starts `make run`'s process tree and returns a `RunningStack`, the
  HTTP client for it; `descendants_of` lists a process tree; `eventually` waits for what another
  process does. `SharedDynamoDBLocal` is one DynamoDB Local for a whole test run, which the stacks
  and test processes share, each with tables of its own (`table_prefix_of`).
- Post User Registration: `RegistrationStack` (a fresh queue, dead-letter queue and secret on moto,
  and the two functions' handlers bound to them), `SlackReceiver` (the stand-in for Slack), `sqs_event`,
  and `local_dynamodb` (the template's tables on a DynamoDB Local, a shared one or one of this
  process's own), `local_moto`, `local_aws_services` (the servers for this process): the functional
  tests' fixtures and the benchmarks.
- The users API: `UserPool` (the demo directory of a running stack, or of `demo_user_pool`'s own
  Cognito emulator: users' tokens as the pool issues them, users added and removed behind the API's
  back, the ground truth), `users_api` (its handler in process on such a pool, with injected faults),
  `Dashboard` (calls it as API Gateway would), `api_event`, `token_claims`, `FaultyClient`.
- The migration kit's JavaScript in Node (local/sandboxes.js): `run_extension_hook` (a forwarding
  hook in the extension's hook runner, given its ctx and require('request')), `extension_ctx` (that
  ctx from one of our hook request bodies), `run_action` (an Auth0 Action with a fake event and
  api), `SilentServer` (accepts connections, never answers) and `RecordingServer` (answers every
  request alike and records them: a token endpoint that refuses, say).
- Cold starts: `cold_command`, the interpreter a function's cold start runs in, and
  `starts_without_aws_sdk`, which functions must start without boto3.
- What CloudFormation gets: `sam_rendered_template` (template.yaml through the SAM translator) and
  `role_statements` (the IAM statements of a function's role, its managed policies included).
- The dashboard in a browser: `launch_chromium` (Debian's Chromium headless shell driven by
  Playwright, with no browser download and no network beyond loopback), `serious_violations`
  (axe-core, from npm, loaded into a page when it is checked), `sign_in` (through the local managed
  login, as a demo user).

pytest fixtures live in the tests' conftest.py files and call into this module. It imports boto3
and the layer (dahooks) only when a function here needs them.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import http.client
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from . import aws
from .event_source import SqsEventSource, lambda_record
from .lambda_runtime import Handler, LambdaContext, context_for, load_handler
from .machine_client import machine_claims
from .paths import EVENTS, ROOT
from .processes import stop_process
from .template import Function, Template

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from dahooks.context import Context
    from dahooks.handler import HookFunction

    from .authorizer import LocalIssuer

# --------------------------------------------------------------------------- events and functions

# Dashboard users as the hooks see them in `request.user` (the original documentation's examples).
KELLY = {"user_id": "auth0|kelly", "app_metadata": {"department": "Finance"}}
IAN = {"user_id": "auth0|ian", "app_metadata": {"department": "IT"}}
NADIA = {"user_id": "auth0|nadia"}
# The client of `http_event`'s token unless a test gives other claims; its subject is `hook_context`'s caller.
TESTER_CLIENT = "tester"
TESTER = f"{TESTER_CLIENT}@clients"


def http_event(
    route_key: str, body: Any, *, claims: dict[str, Any] | None = None, raw: str | None = None
) -> dict[str, Any]:
    """An HTTP API v2 event as API Gateway sends it after its JWT authorizer accepted the token
    (a machine's unless `claims` say otherwise)."""
    method, path = route_key.split(" ", 1)
    return {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "accountId": aws.ACCOUNT,
            "apiId": "local",
            "domainName": "127.0.0.1",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "pytest",
            },
            "requestId": "test-request",
            "routeKey": route_key,
            "stage": "$default",
            "timeEpoch": 1795881600000,
            "authorizer": {
                "jwt": {
                    "claims": machine_claims(TESTER_CLIENT) if claims is None else claims,
                    "scopes": ["hooks:invoke"],
                }
            },
        },
        "body": raw if raw is not None else json.dumps(body),
        "isBase64Encoded": False,
    }


def load_event(name: str) -> dict[str, Any]:
    """The events/ fixture `name` (e.g. "access-read-user-own-department.json")."""
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def synchronous_hook_routes() -> dict[str, str]:
    """The template's synchronous hook routes (every /hooks/* but the queued registration), by path."""
    return {
        route.path: route.function
        for route in Template().routes()
        if route.path.startswith("/hooks/") and route.path != "/hooks/post-user-registration"
    }


def hook_path(function_dir: str) -> Path:
    """functions/<function_dir>/hook.py."""
    return ROOT / "functions" / function_dir / "hook.py"


def hook_from_source(directory: Path, hook_name: str, source: str | None, **options: Any) -> HookFunction:
    """The layer's function for `hook_name`, whose hook.py (written to `directory`) is `source`
    (dedented; None: no hook.py at all). `options` go to `HookFunction`."""
    from dahooks import HookFunction

    path = directory / "hook.py"
    if source is not None:
        path.write_text(textwrap.dedent(source))
    return HookFunction(hook_name, path, **options)


def call_hook(
    function: HookFunction, body: Any = None, *, timeout: float = 3.0, raw: str | None = None
) -> tuple[int, Any]:
    """POST `body` (or the text `raw`) to a hook function as API Gateway would: (status, answer).

    Every answer of the runtime is JSON: one that says otherwise fails here.
    """
    event = http_event(f"POST /hooks/{function.hook_name}", body, raw=raw)
    context: Any = LambdaContext(function_name="test", memory_limit_in_mb=128, timeout=timeout)  # Lambda's, duck-typed
    response = function(event, context)
    if response["headers"]["content-type"] != "application/json":
        raise AssertionError(f"not a JSON answer: {response}")
    return response["statusCode"], json.loads(response["body"])


class WarmFunctions:
    """Functions of the template loaded on first use and kept, as warm containers keep them."""

    def __init__(self, template: Template, *, set_environment: bool = True) -> None:
        self._functions = template.functions()
        self._set_environment = set_environment
        self._handlers: dict[str, Handler] = {}

    def invoke(self, logical_id: str, event: dict[str, Any], *, timeout: float | None = None) -> Any:
        function = self._functions[logical_id]
        if logical_id not in self._handlers:
            self._handlers[logical_id] = load_handler(function, set_environment=self._set_environment)
        return self._handlers[logical_id](event, context_for(function, timeout))

    def environment(self) -> dict[str, str]:
        """Every function's variables from the template, together (they agree where they overlap)."""
        return {name: value for function in self._functions.values() for name, value in function.environment.items()}


# --------------------------------------------------------------------------- custom data


@functools.cache
def _code_points() -> list[int]:
    """Printable BMP code points JSON does not escape: random text of them barely compresses."""
    return [c for c in range(0x20, 0xFFFF) if not 0xD800 <= c <= 0xDFFF and chr(c) not in '"\\']


def random_text_document(total_bytes: int, seed: int) -> dict[str, str]:
    """`{"text": ...}` whose compact UTF-8 JSON is exactly `total_bytes` long, of random (incompressible) text."""
    from dahooks.storage.codec import compact_json

    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not cryptography
    budget = total_bytes - len(compact_json({"text": ""}))
    parts: list[str] = []
    used = 0
    # Drawn in runs of as many characters as surely fit (three bytes each at most), until fewer than
    # six bytes are left; those are ASCII letters.
    while (count := (budget - used - 3) // 3) > 0:
        run = "".join(map(chr, rng.choices(_code_points(), k=count)))
        parts.append(run)
        used += len(run.encode("utf-8"))
    parts.append("".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=budget - used)))
    document = {"text": "".join(parts)}
    if len(compact_json(document)) != total_bytes:
        raise AssertionError(f"the document is {len(compact_json(document))} bytes, not {total_bytes}")
    return document


def hook_context(storage_factory: Callable[[], Any] | None = None, caller: str = TESTER) -> Context:
    """A ctx as a hook gets it, in a container of its own (storage from the environment by default)."""
    from dahooks.context import Container, Context, Request
    from dahooks.storage import from_environment

    return Context(
        hook_name="memberships",
        payload={},
        request=Request(user={}),
        container=Container(storage_factory=storage_factory or from_environment),
        caller=caller,
    )


def increment_counter(times: int, start: Any, environment: dict[str, str]) -> None:
    """One container, in a process of its own (a multiprocessing target): once `start` is set,
    `times` increments of the custom data's "counter" with ctx.update. `environment` is the test's
    (the table and the endpoints): a process forked from a fork server has the server's."""
    os.environ.update(environment)
    ctx = hook_context()
    ctx.read()  # the client built and connected before the race starts
    start.wait()
    for _ in range(times):
        ctx.update(lambda data: {**data, "counter": data.get("counter", 0) + 1})


# --------------------------------------------------------------------------- the local stack

START_TIMEOUT_S = 120.0
STOP_GRACE_S = 60.0


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RunningStack:
    """One `python -m local.stack` process, what it reported once ready, and an HTTP client for it."""

    process: subprocess.Popen[bytes]
    state_dir: Path
    url: str
    ready: dict[str, Any]
    issuer: LocalIssuer
    _connection: http.client.HTTPConnection | None = field(default=None, repr=False)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def token(self, *scopes: str, **claims: Any) -> str:
        """A token the stack accepts, with `scopes` and `claims` (which may override any standard claim)."""
        return self.issuer.mint(list(scopes), claims)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """One request over a kept-alive connection (reopened if the server closed it)."""
        all_headers = {"content-type": "application/json", **(headers or {})}
        if token is not None:
            all_headers["authorization"] = f"Bearer {token}"
        payload = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        for attempt in range(2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self._connection.request(method, path, body=payload, headers=all_headers)
                answer = self._connection.getresponse()
                return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._connection.close()
                self._connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def storage(self) -> Any:
        """The stack's table as its functions see it (a dahooks Storage on its DynamoDB Local)."""
        from dahooks.storage import Storage
        from dahooks.storage.dynamodb import build_client

        client = build_client(endpoint_url=self.ready["dynamodb"], region_name=aws.REGION, **aws.CREDENTIALS)
        return Storage(str(self.ready["values"]["Table"]), client=client)

    def descendants(self) -> set[int]:
        """Every live process below the stack process."""
        return descendants_of(self.process.pid)

    def stop(self) -> None:
        """SIGTERM, as Ctrl-C: the stack stops its children itself."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        stop_process(self.process, STOP_GRACE_S)


def _live_children() -> dict[int, list[int]]:
    """Each live process's children, by parent pid (Linux: read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":  # a zombie is already dead; its parent has only to reap it
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def eventually(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait until `condition()` holds, checking every 50 ms; an AssertionError after `timeout` seconds.
    For what a test waits on from another thread or process: a log line, a delivery, an answer."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not become true in time"
        time.sleep(0.05)


def children_of(pid: int) -> set[int]:
    """The live processes `pid` started itself."""
    return set(_live_children().get(pid, []))


def descendants_of(pid: int) -> set[int]:
    """Every live process below `pid`."""
    children = _live_children()
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def seed_registration_secret(state_dir: Path, slack_url: str) -> None:
    """The registration hook's secret for a stack on `state_dir`, as `make run` seeds secrets from
    `<state_dir>/secrets.json`: the template's RegistrationSecret (a secret without a fixed name,
    so found by its logical id) holding `slack_url` as the Slack sample's SLACK_HOOK."""
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "secrets.json").write_text(json.dumps({"RegistrationSecret": {"SLACK_HOOK": slack_url}}))


def start_stack(
    template: Path, state_dir: Path, *extra: str, warm_containers: str = "EAGER", dynamodb_endpoint: str | None = None
) -> RunningStack:
    """Start `make run`'s stack for `template` on a free port, and wait until it is serving.

    Its console goes to `<state_dir>/stack.out`; `extra` are further arguments of `python -m local.stack`.
    `warm_containers="LAZY"` starts a function's worker at its first request rather than all at start,
    for tests that call few of the stack's functions and set no time budget a cold start could spend.
    `dynamodb_endpoint`: a DynamoDB Local already running (a `SharedDynamoDBLocal`'s) rather than one
    of the stack's own, its tables named after the state directory.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    if dynamodb_endpoint is not None:
        extra = (*extra, "--dynamodb-endpoint", dynamodb_endpoint, "--table-prefix", table_prefix_of(str(state_dir)))
    ready_file = state_dir / "ready.json"
    ready_file.unlink(missing_ok=True)
    log = (state_dir / "stack.out").open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "local.stack", "--template", str(template), "--port", "0"]
        + ["--state-dir", str(state_dir), "--ready-file", str(ready_file), "--warm-containers", warm_containers]
        + list(extra),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    log.close()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ready_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process, STOP_GRACE_S)
            output = (state_dir / "stack.out").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the local stack did not start:\n{output}")
        time.sleep(0.1)
    from .authorizer import LocalIssuer  # the stack's own issuer: its key is in the state directory

    ready = json.loads(ready_file.read_text())
    return RunningStack(process, state_dir, ready["url"], ready, LocalIssuer(state_dir))


# --------------------------------------------------------------------------- Post User Registration

INTAKE = "PostUserRegistrationFunction"
WORKER = "RegistrationWorkerFunction"
ACCEPT_ROUTE = "POST /hooks/post-user-registration"


STAND_IN_POLL_S = 0.02


class StandInServer:
    """An HTTP server on 127.0.0.1 that stands in for another service's: each POST is answered by
    `answer`. A context manager that serves on a thread while in use."""

    thread_name = "stand-in-server"

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # shutdown() waits for the serving loop to look at its flag: every 20 ms, not http.server's 500.
        serve = functools.partial(self._server.serve_forever, poll_interval=STAND_IN_POLL_S)
        self._thread = threading.Thread(target=serve, name=self.thread_name, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        """The status, content type and body for a POST to `path`."""
        raise NotImplementedError

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status, content_type, payload = server.answer(self.path, headers, body)
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                return

        return Handler

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class SlackReceiver(StandInServer):
    """An incoming-webhook stand-in on 127.0.0.1: answers 200 "ok" like Slack, or 500 when told to
    fail; records what it accepted. A context manager that serves on a thread while in use."""

    thread_name = "slack-receiver"

    def __init__(self, *, fail_first: int = 0, always_fail: bool = False, failure_rate: float = 0.0) -> None:
        self.fail_first = fail_first
        self.always_fail = always_fail
        self.failure_rate = failure_rate
        self.delay_s = 0.0
        self.received: list[dict[str, Any]] = []  # the messages it accepted
        self.attempts = 0
        self._random = random.Random(5)  # noqa: S311 - reproducible failures, not cryptography
        self._lock = threading.Lock()
        # The path is the secret part of a Slack webhook URL.
        self.token = f"T{uuid.uuid4().hex[:8]}/B{uuid.uuid4().hex[:8]}/{uuid.uuid4().hex}"
        super().__init__()

    @property
    def url(self) -> str:
        return f"{self.base_url}/services/{self.token}"

    def _answer(self, path: str, body: bytes) -> int:
        time.sleep(self.delay_s)
        with self._lock:
            self.attempts += 1
            if path != f"/services/{self.token}":
                return 404
            failing = self.always_fail or self.attempts <= self.fail_first or self._random.random() < self.failure_rate
            if failing:
                return 500
            self.received.append(json.loads(body))
            return 200

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        status = self._answer(path, body)
        return status, "text/plain", b"ok" if status == 200 else b"server_error"

    def fail_next(self, count: int) -> None:
        """Answer the next `count` posts with 500, whatever came before (a receiver shared by tests)."""
        with self._lock:
            self.fail_first = self.attempts + count

    def texts(self) -> list[str]:
        with self._lock:
            return [message["text"] for message in self.received]


@dataclass
class RegistrationStack:
    """A fresh registration queue, dead-letter queue and secret on moto, and the two functions of
    template.yaml (the intake and the worker) resolved against them, with their real handlers.

    Apply `environment` to os.environ, then `load()` the handlers, as cold containers would start.
    """

    moto_endpoint: str
    table: str
    secrets: dict[str, Any]
    max_receive_count: int = 3
    visibility_timeout: int = 2
    retry_base_seconds: int = 0
    # Template parameters on top of these; records go out at once unless a test sets an interval.
    parameters: dict[str, Any] = field(default_factory=dict)
    queue_url: str = ""
    dead_letter_url: str = ""
    secret_name: str = ""
    secret_arn: str = ""
    functions: dict[str, Function] = field(default_factory=dict)
    handlers: dict[str, Handler] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        sqs = self.sqs_client()
        name = f"registrations-{uuid.uuid4().hex[:10]}"
        self.dead_letter_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=self.dead_letter_url, AttributeNames=["QueueArn"])["Attributes"]
        redrive = {"deadLetterTargetArn": dlq_arn["QueueArn"], "maxReceiveCount": self.max_receive_count}
        self.queue_url = sqs.create_queue(
            QueueName=name,
            Attributes={"VisibilityTimeout": str(self.visibility_timeout), "RedrivePolicy": json.dumps(redrive)},
        )["QueueUrl"]
        self.secret_name = f"delegated-admin-hooks/{name}"
        created = self.secrets_client().create_secret(Name=self.secret_name, SecretString=json.dumps(self.secrets))
        self.secret_arn = created["ARN"]  # an existing secret, as the RegistrationSecretArn parameter gives it
        template = Template(
            values={
                "Table": self.table,
                "RegistrationQueue": self.queue_url,
                "RegistrationDeadLetterQueue": self.dead_letter_url,
                "RegistrationSecretArn": self.secret_arn,
                "RegistrationRetryBaseSeconds": self.retry_base_seconds,
                "RegistrationMaxReceiveCount": self.max_receive_count,
                "RegistrationDeliveryIntervalSeconds": 0,
                **self.parameters,
            }
        )
        every = template.functions()
        self.functions = {INTAKE: every[INTAKE], WORKER: every[WORKER]}
        for function in self.functions.values():
            self.environment.update(function.environment)

    def sqs_client(self) -> Any:
        return aws.client("sqs", self.moto_endpoint)

    def secrets_client(self) -> Any:
        return aws.client("secretsmanager", self.moto_endpoint)

    def load(self) -> None:
        """Import both handlers as cold containers would (call with the environment applied)."""
        for logical_id, function in self.functions.items():
            self.handlers[logical_id] = load_handler(function, set_environment=False)

    def invoke(self, logical_id: str, event: dict[str, Any], *, timeout: float | None = None) -> Any:
        function = self.functions[logical_id]
        return self.handlers[logical_id](event, context_for(function, timeout))

    def accept(self, body: Any) -> tuple[int, Any]:
        """POST `body` to the intake as API Gateway would: (status, parsed answer)."""
        response = self.invoke(INTAKE, http_event(ACCEPT_ROUTE, body))
        return response["statusCode"], json.loads(response["body"])

    def work(self, event: dict[str, Any], *, timeout: float | None = None) -> dict[str, Any]:
        return self.invoke(WORKER, event, timeout=timeout)

    def event_source(self, **options: Any) -> SqsEventSource:
        """Lambda's event source mapping for the queue, delivering to the worker in this process."""
        return SqsEventSource(self.queue_url, self.moto_endpoint, lambda event: self.work(event), **options)

    def receive(self, queue_url: str | None = None, *, wait_seconds: int = 0) -> list[dict[str, Any]]:
        """Messages received from a queue (the registration queue by default), with all their attributes."""
        return (
            self.sqs_client()
            .receive_message(
                QueueUrl=queue_url or self.queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=wait_seconds,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            .get("Messages", [])
        )

    def depth(self, queue_url: str | None = None) -> int:
        """Messages in a queue, visible or in flight.

        Read twice, keeping the larger count: the emulator evaluates the visible and the in-flight
        counts at two instants, so a message whose visibility timeout ends between them is in neither
        and the queue looks empty for one read. A message crosses that line once, so not in both reads.
        """
        return max(self._depth_once(queue_url or self.queue_url) for _ in range(2))

    def _depth_once(self, queue_url: str) -> int:
        attributes = self.sqs_client().get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])

    def send_raw(self, body: str) -> None:
        """A message as another producer (EventBridge) would put it on the queue."""
        self.sqs_client().send_message(QueueUrl=self.queue_url, MessageBody=body)


def sqs_event(
    messages: list[dict[str, Any]], queue_arn: str = f"arn:aws:sqs:{aws.REGION}:{aws.ACCOUNT}:q"
) -> dict[str, Any]:
    """Lambda's SQS event for messages received from moto."""
    return {"Records": [lambda_record(message, queue_arn, aws.REGION) for message in messages]}


@contextlib.contextmanager
def local_dynamodb(endpoint: str | None = None, table_prefix: str = "") -> Iterator[str]:
    """The template's tables on DynamoDB Local, their names after `table_prefix`, and os.environ
    pointed at them, TABLE_NAME included (restored after): the endpoint. On the DynamoDB Local at
    `endpoint` (a `SharedDynamoDBLocal`'s), else on one started for this process for the time of the block."""
    from .dynamodb_local import DynamoDBLocal, create_tables
    from .environment import Environment

    with contextlib.ExitStack() as started:
        if endpoint is None:
            endpoint = started.enter_context(DynamoDBLocal()).endpoint
        tables = create_tables(Template(), endpoint, table_prefix)
        environment = Environment()
        environment.set({**aws.environment(dynamodb=endpoint), "TABLE_NAME": tables["Table"]})
        try:
            yield endpoint
        finally:
            environment.restore()


def table_prefix_of(owner: str) -> str:
    """A prefix of table names of `owner`'s own (an xdist worker's id, a stack's state directory),
    for the tables it creates on a shared DynamoDB Local: the owner's last name, readable in a
    ListTables, and a hash of the whole, unique (every xdist worker has a `local-stack0`)."""
    from .dynamodb_local import TABLE_NAME_CHARACTERS

    readable = "".join(char for char in Path(owner).name if char in TABLE_NAME_CHARACTERS)[:24]
    digest = hashlib.sha256(owner.encode()).hexdigest()[:8]
    return f"{readable}-{digest}-" if readable else f"{digest}-"  # never a leading "-": an option's look


SHARED_DYNAMODB_WORKERINPUT = "shared_dynamodb_file"  # the endpoint file's key in each xdist worker's workerinput
SHARED_DYNAMODB_FAILED = "not started: "  # what the endpoint file holds, before the reason, when it did not start
SHARED_DYNAMODB_STOP_S = 5.0


class SharedDynamoDBLocal:
    """One DynamoDB Local for a whole test run, shared by its test processes and stacks, each naming
    its tables with a prefix of its own (`table_prefix_of`), as CloudFormation names a table after its
    stack. A Java start, and the compilation of the request path that follows it, were three
    CPU-seconds, paid a dozen times a run.

    The process that owns it (pytest-xdist's controller) `launch`es it and carries on; the endpoint
    appears in `endpoint_file` once DynamoDB Local is ready, or the reason it did not start, for any
    process to read with `shared_dynamodb_endpoint`. `stop` ends it."""

    def __init__(self, endpoint_file: Path) -> None:
        from .dynamodb_local import DynamoDBLocal

        self.endpoint_file = endpoint_file
        self._server = DynamoDBLocal()
        self._ready: threading.Thread | None = None

    def launch(self) -> None:
        """Start the Java process and return; a failure (no Java, say) is published, not raised: it
        fails the tests that use DynamoDB Local, saying why, and no other."""
        try:
            self._server.launch()
        except Exception as problem:  # noqa: BLE001 - whatever it was, the readers report it
            self._publish(f"{SHARED_DYNAMODB_FAILED}{problem}")
            return
        self._ready = threading.Thread(target=self._wait_ready, name="shared-dynamodb-local", daemon=True)
        self._ready.start()

    def _wait_ready(self) -> None:
        try:
            text = self._server.wait_ready()
        except Exception as problem:  # noqa: BLE001 - as above
            text = f"{SHARED_DYNAMODB_FAILED}{problem}"
        self._publish(text)

    def _publish(self, text: str) -> None:
        partial = self.endpoint_file.with_name(f"{self.endpoint_file.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(self.endpoint_file)

    def stop(self) -> None:
        """Stop DynamoDB Local, ready or not (a start still under way then publishes its failure)."""
        self._server.stop()
        if self._ready is not None:
            self._ready.join(SHARED_DYNAMODB_STOP_S)


def shared_dynamodb_endpoint(endpoint_file: Path, timeout: float = 60.0) -> str:
    """The endpoint a `SharedDynamoDBLocal` wrote to `endpoint_file`, waiting for it up to `timeout`
    seconds; a RuntimeError saying why when it did not start."""
    deadline = time.monotonic() + timeout
    while not endpoint_file.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the shared DynamoDB Local wrote no endpoint to {endpoint_file} in {timeout:.0f} s")
        time.sleep(0.05)
    text = endpoint_file.read_text(encoding="utf-8")
    if text.startswith(SHARED_DYNAMODB_FAILED):
        raise RuntimeError(f"the shared DynamoDB Local did not start: {text[len(SHARED_DYNAMODB_FAILED) :]}")
    return text


@contextlib.contextmanager
def local_moto() -> Iterator[str]:
    """A moto server (SQS, Secrets Manager, SSM) started for this process, and os.environ pointed at
    it (restored after): its endpoint."""
    from .environment import Environment
    from .moto_server import MotoServer

    environment = Environment()
    with MotoServer() as server:
        assert server.endpoint is not None
        environment.set(aws.environment(moto=server.endpoint))
        try:
            yield server.endpoint
        finally:
            environment.restore()


@contextlib.contextmanager
def local_aws_services() -> Iterator[tuple[str, str, str]]:
    """Both of the above, for the benchmarks: (DynamoDB endpoint, moto endpoint, table name)."""
    with local_dynamodb() as dynamodb_endpoint, local_moto() as moto_endpoint:
        yield dynamodb_endpoint, moto_endpoint, os.environ["TABLE_NAME"]


# --------------------------------------------------------------------------- the users API

CURSOR_KEY = b"local-testing-users-api-cursor-key-0123456789"  # tests sign cursors with this, not a secret
NO_SECRET = "not-read-here"  # noqa: S105 - the directory is built by the harness: no key is read from a secret
THROTTLED = "TooManyRequestsException"
# Searches written to reach outside the filter hook's query (Finance, for kelly), the way the original's
# string pasting let `*) OR (name:*` list everyone: each must be refused or stay inside the filter.
SEARCHES_THAT_TRY_TO_ESCAPE = [
    "*) OR (name:*",
    "*) OR (app_metadata.department:HR",
    'name:"unbalanced',
    "app_metadata.department:HR",
    "app_metadata.department:(HR OR IT)",
    "NOT app_metadata.department:Finance",
    "* OR app_metadata.department:HR",
    "_exists_:email",
    "email:[a TO z]",
    "user_id:{* TO *}",
    "/.*/",
    "name:/.*/",
    "email:hr-0~",
    "app_metadata.department:Finance) OR (app_metadata.department:HR",
    '\\") OR (name:*',
    "app_metadata.department:Fin*",
    "((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))",
]


@dataclass
class UserPool:
    """A demo user pool on a Cognito emulator: the pool, a raw client on it, and the demo password.

    Its users' tokens are issued by the pool itself, as the dashboard's would be (`token`);
    `add`/`remove` change the directory behind the API's back, as the Cognito console would.
    """

    pool: Any  # local.demo_directory.LocalPool
    password: str
    _tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_stack(cls, state_dir: Path) -> UserPool:
        """The pool of the stack running on `state_dir` (`start_stack`, `make run`)."""
        from .demo_directory import demo_password, running_pool

        return cls(running_pool(state_dir), demo_password(state_dir))

    @functools.cached_property
    def raw(self) -> Any:
        from .demo_directory import cognito_client

        return cognito_client(self.pool.endpoint)

    def token(self, username: str, *, fresh: bool = False) -> str:
        from .demo_directory import user_token

        if fresh or username not in self._tokens:
            self._tokens[username] = user_token(self.pool, username, self.password)
        return self._tokens[username]

    def add(self, username: str, department: str | None, *groups: str) -> str:
        """A user of the caller's own, with the demo password, in `department` and `groups`."""
        attributes = {"email": f"{username}@example.com", "email_verified": "true"}
        if department:
            attributes["custom:department"] = department
            groups = (f"department:{department}", *groups)
        pool_id = self.pool.pool_id
        self.raw.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items()],
        )
        self.raw.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=self.password, Permanent=True)
        for group in groups:
            self.raw.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
        return username

    def exists(self, username: str) -> bool:
        try:
            self.raw.admin_get_user(UserPoolId=self.pool.pool_id, Username=username)
        except self.raw.exceptions.UserNotFoundException:
            return False
        return True

    def remove(self, username: str) -> None:
        if self.exists(username):
            self.raw.admin_delete_user(UserPoolId=self.pool.pool_id, Username=username)

    def snapshot(self) -> dict[str, Any]:
        """Everything the pool holds about its users, as Cognito's API answers it: each user's record
        (attributes with its `sub`, status, enabled, creation and change dates, MFA) and groups, the
        pool's groups and app clients. Two snapshots are equal when the directory behaves the same."""
        pool_id = self.pool.pool_id
        users = {}
        for page in self.raw.get_paginator("list_users").paginate(UserPoolId=pool_id, Limit=60):
            for record in page["Users"]:
                name = record["Username"]
                full = self.raw.admin_get_user(UserPoolId=pool_id, Username=name)
                full.pop("ResponseMetadata", None)
                groups = self.raw.admin_list_groups_for_user(UserPoolId=pool_id, Username=name, Limit=60)["Groups"]
                users[name] = {**full, "Groups": sorted(group["GroupName"] for group in groups)}
        groups = self.raw.list_groups(UserPoolId=pool_id, Limit=60)["Groups"]
        clients = self.raw.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
        return {
            "users": users,
            "groups": sorted(group["GroupName"] for group in groups),
            "clients": sorted((client["ClientId"], client["ClientName"]) for client in clients),
        }

    def users(self) -> list[dict[str, Any]]:
        """Every user of the pool as the users API shapes them: the ground truth a listing is checked against."""
        from dahooks.directory import DirectoryMapping

        mapping = DirectoryMapping()
        found: list[dict[str, Any]] = []
        for page in self.raw.get_paginator("list_users").paginate(UserPoolId=self.pool.pool_id, Limit=60):
            found += [mapping.user_from_record(record) for record in page["Users"]]
        return found


@contextlib.contextmanager
def demo_user_pool(state_dir: Path) -> Iterator[UserPool]:
    """A Cognito emulator of its own with the demo directory (`make run`'s), for the time of the block."""
    from .cognito_emulator import CognitoEmulator
    from .demo_directory import demo_directory_seed, demo_password, demo_pool

    with CognitoEmulator(seed=demo_directory_seed(state_dir)) as emulator:
        assert emulator.endpoint is not None
        yield UserPool(demo_pool(emulator.endpoint), demo_password(state_dir))


def api_event(
    method: str,
    path: str,
    claims: dict[str, str],
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The event of `method path` (`/api/users/kelly/block`) as API Gateway sends it once the
    dashboard-user authorizer accepted a token with `claims` (`token_claims`)."""
    from urllib.parse import urlencode

    route, parameters = _api_route(path)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {route}",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": {"content-type": "application/json", **(headers or {})},
        "requestContext": {
            "accountId": aws.ACCOUNT,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
            "requestId": f"test-{uuid.uuid4().hex[:12]}",
            "routeKey": f"{method} {route}",
            "stage": "$default",
            "authorizer": {"jwt": {"claims": claims, "scopes": None}},
        },
        "isBase64Encoded": False,
    }
    if parameters:
        event["pathParameters"] = parameters
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        event["body"] = json.dumps(body)
    return event


def _api_route(path: str) -> tuple[str, dict[str, str]]:
    """The template route of an /api path, and its path parameters."""
    parts = path.strip("/").split("/")
    if parts[:3] == ["api", "config", "hooks"] and len(parts) == 5:
        return "/api/config/hooks/{hook}/" + parts[4], {"hook": parts[3]}
    if parts[:2] != ["api", "users"] or len(parts) < 3:
        return path, {}
    parameters = {"id": parts[2]}
    rest = parts[3:]
    if rest[:1] == ["multifactor"] and len(rest) == 2:
        parameters["provider"] = rest[1]
        rest = ["multifactor", "{provider}"]
    return "/api/users/{id}" + "".join(f"/{part}" for part in rest), parameters


def token_claims(token: str) -> dict[str, str]:
    """A token's claims as API Gateway hands them to the function (its authorizer has checked them)."""
    import jwt

    from .authorizer import gateway_claims

    return gateway_claims(jwt.decode(token, options={"verify_signature": False}))


class FaultyClient:
    """A boto3 client, except that the named operations fail as Cognito does once its retries are spent."""

    def __init__(self, client: Any, failing: set[str] | frozenset[str]) -> None:
        self._client = client
        self._failing = failing

    def __getattr__(self, name: str) -> Any:
        if name in self._failing:
            return self._fail
        return getattr(self._client, name)

    @staticmethod
    def _fail(**_: Any) -> None:
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": THROTTLED, "Message": "Rate exceeded"}}, "Injected")


def users_api(
    user_pool: UserPool,
    *,
    functions: Path = ROOT / "functions",
    failing: frozenset[str] = frozenset(),
    storage_factory: Callable[[], Any] | None = None,
    client_hook: Callable[[Any], None] | None = None,
    **settings: Any,
) -> Any:
    """The users function's handler (a cold container of its own) on `user_pool`, with the hooks of
    `functions`, its cursors signed with a test key; `failing` Cognito calls fail as throttled, and
    `client_hook` sees the directory's client (to count its calls, say)."""
    from dahooks import storage
    from dahooks.directory import CognitoDirectory
    from dahooks.directory.cognito import client_config
    from dahooks.search import CursorCodec
    from dahooks.users_api import UsersApi
    from dahooks.users_api.settings import UsersApiSettings

    from .demo_directory import cognito_client

    options = UsersApiSettings(user_pool.pool.pool_id, cursor_key_secret=NO_SECRET, **settings)

    def directory(chosen: UsersApiSettings) -> CognitoDirectory:
        client = cognito_client(user_pool.pool.endpoint, config=client_config(chosen.cognito()))
        if client_hook is not None:
            client_hook(client)
        faulty = FaultyClient(client, failing) if failing else client
        return CognitoDirectory(chosen.cognito(), CursorCodec(CURSOR_KEY), client=faulty)

    return UsersApi(
        functions,
        settings=options,
        storage_factory=storage_factory or storage.from_environment,
        directory_factory=directory,
    )


@dataclass
class Answer:
    status: int
    body: Any


@dataclass
class Dashboard:
    """Calls a users API handler in process as API Gateway would, with a demo user's own token."""

    handler: Any
    user_pool: UserPool

    def call(
        self,
        method: str,
        path: str,
        as_user: str,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        token: str | None = None,
        timeout: float = 10.0,
    ) -> Answer:
        claims = token_claims(token or self.user_pool.token(as_user))
        event = api_event(method, path, claims, body, query, headers)
        context: Any = LambdaContext(function_name="UsersFunction", memory_limit_in_mb=512, timeout=timeout)
        response = self.handler(event, context)
        return Answer(response["statusCode"], json.loads(response["body"]) if response.get("body") else None)


# --------------------------------------------------------------------------- the migration kit in Node

SANDBOXES = ROOT / "local" / "sandboxes.js"
NODE_TIMEOUT_S = 120.0


def _run_sandbox(job: dict[str, Any], timeout_s: float) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: the migration kit's JavaScript runs in Node")
    completed = subprocess.run(  # noqa: S603 - node running our own sandbox
        [node, str(SANDBOXES)], input=json.dumps(job), capture_output=True, text=True, timeout=timeout_s, cwd=ROOT
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the Node sandbox failed:\n{completed.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


def extension_ctx(body: dict[str, Any]) -> dict[str, Any]:
    """The ctx the extension gives a hook (its data part), for one of our hook request bodies."""
    request = body.get("request") or {}
    return {
        "payload": body.get("payload") or {},
        "request": {name: request[name] for name in ("user", "originalUser") if name in request},
        **{name: body[name] for name in ("method", "userFields", "locale") if name in body},
    }


def run_extension_hook(
    source: str,
    calls: list[dict[str, Any]],
    *,
    custom_data: dict[str, Any] | None = None,
    global_state: dict[str, Any] | None = None,
    concurrent: bool = False,
    settle_ms: int = 50,
    timeout_s: float = NODE_TIMEOUT_S,
) -> dict[str, Any]:
    """Run a hook script as the extension would, once per ctx in `calls` (one after the other, or all
    at once), in one Node process: one warm container sharing `global_state` and reading `custom_data`.

    Returns `outcomes` (per call: `error` {name, message} or null, `result`, `callbacks`, `elapsedMs`,
    `hung`), `requests` (method and URL of every HTTP request), `customDataReads` and `globalKeys`.
    """
    job = {
        "mode": "hook",
        "source": source,
        "calls": calls,
        "customData": custom_data or {},
        "global": global_state or {},
        "concurrent": concurrent,
        "settleMs": settle_ms,
    }
    return _run_sandbox(job, timeout_s)


def run_action(
    source: str,
    events: list[dict[str, Any]],
    *,
    secrets: dict[str, str],
    cache: dict[str, str] | None = None,
    timeout_s: float = NODE_TIMEOUT_S,
) -> dict[str, Any]:
    """Run an Auth0 Action module's `onExecutePostUserRegistration` once per event, in one Node process
    (one api.cache, holding `cache` for an hour). Returns `outcomes` (per event: `error` or null,
    `elapsedMs`) and `requests`."""
    job = {"mode": "action", "source": source, "events": events, "secrets": secrets, "cache": cache or {}}
    return _run_sandbox(job, timeout_s)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class RecordingServer(StandInServer):
    """An HTTP server on 127.0.0.1 that answers every request with `status` and the JSON `answer`, and
    records each request (e.g. a token endpoint that refuses every client). A context manager."""

    thread_name = "recording-server"

    def __init__(self, status: int, answer: dict[str, Any]) -> None:
        self.status = status
        self.payload = json.dumps(answer).encode()
        self.requests: list[RecordedRequest] = []
        super().__init__()

    @property
    def url(self) -> str:
        return self.base_url

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        self.requests.append(RecordedRequest("POST", path, headers, body))
        return self.status, "application/json", self.payload


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts every connection and never answers: a dependency that
    hangs; with `reset`, one that drops each connection at once (a reset, as from a server that
    closed a kept connection). A context manager; `url` is its base URL."""

    def __init__(self, *, reset: bool = False) -> None:
        self.reset = reset
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)  # accept() wakes up to see the server stopping
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="silent-server", daemon=True)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            if self.reset:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                connection.close()  # linger 0: a reset, not an orderly close
                continue
            self.connections.append(connection)  # held open, read from never

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join()
        for connection in self.connections:
            connection.close()
        self._socket.close()


# --------------------------------------------------------------------------- cold starts

# What every function's cold start imports anyway: the baseline a cold start is compared with.
BASELINE_IMPORT = "from aws_lambda_powertools import Logger"


def builds_hook_function(function: Function) -> bool:
    """True when the function's handler module wires the layer's `HookFunction` (read from its source).

    A hook function reaches AWS only through `ctx.read()` / `ctx.cache` and friends, which import
    boto3 on first use: its cold start must not pay for it, whatever its role may do.
    """
    module = function.code_uri / f"{function.handler.rpartition('.')[0].replace('.', '/')}.py"
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "HookFunction"
        for node in ast.walk(tree)
    )


def starts_without_aws_sdk(template: Template, function: Function) -> bool:
    """True for the functions whose cold start must not import boto3: the hook functions, and any
    function whose role is granted no AWS service (Policies) and so could not use it anyway."""
    granted = template.resources[function.logical_id].get("Properties", {}).get("Policies")
    return builds_hook_function(function) or not granted


def cold_command(function: Function | None, code: str | None = None) -> tuple[list[str], dict[str, str], str]:
    """The interpreter command, environment and working directory of one cold start.

    A fresh interpreter imports the function's handler module exactly as the Lambda runtime does
    (CodeUri as the working directory, the layer on PYTHONPATH, the template's environment);
    `function=None` is the baseline, which imports only `BASELINE_IMPORT`. Both run with the same
    interpreter, PYTHONPATH and flags, so the only difference is what is imported. `code` runs
    after the import (to look at `sys.modules` after the very start a benchmark times).
    """
    layers = [str(path) for path in function.layers] if function else [str(ROOT / "layers" / "runtime")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(layers), "PYTHONDONTWRITEBYTECODE": "1"}
    if function is None:
        return [sys.executable, "-c", f"{BASELINE_IMPORT}\n{code or ''}"], env, str(ROOT)
    env.update(function.environment)
    env["AWS_LAMBDA_FUNCTION_NAME"] = function.logical_id
    module = function.handler.rpartition(".")[0].replace("/", ".")  # Lambda takes users/app.handler too
    return [sys.executable, "-c", f"import {module}\n{code or ''}"], env, str(function.code_uri)


# --------------------------------------------------------------------------- what CloudFormation gets

# What `sam deploy --guided` would ask for: the parameters without a default.
DEPLOY_PARAMETERS = {
    "JwtIssuer": "https://tenant.example.auth0.com/",
    "JwtAudience": "urn:delegated-admin-hooks",
    "UserPoolId": "eu-west-1_AbCdEf123",
    "DashboardDomainPrefix": "example-dashboard",
}


def sam_rendered_template(parameters: dict[str, str] | None = None, template: Path | None = None) -> dict[str, Any]:
    """template.yaml as the SAM translator hands it to CloudFormation: roles, policies, the API's
    definition. Code locations become S3 URIs, as `sam deploy` makes them; nothing is uploaded."""
    import copy

    from samtranslator.translator.transform import transform

    from .environment import temporary_environment
    from .template import load_template

    document = copy.deepcopy(load_template(template or ROOT / "template.yaml"))
    for resource in document["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str):
                properties[key] = f"s3://deployment-bucket/{properties[key].strip('/')}"

    class NoManagedPolicies:  # the translator would look AWS managed policies up by name: none are used so
        def load(self) -> dict[str, str]:
            return {}

    with temporary_environment({"AWS_DEFAULT_REGION": aws.REGION}):
        rendered: dict[str, Any] = transform(document, {**DEPLOY_PARAMETERS, **(parameters or {})}, NoManagedPolicies())
    return rendered


def role_statements(rendered: dict[str, Any], function: str) -> list[dict[str, Any]]:
    """Every IAM statement of `function`'s role: inline policies and the template's own managed policies."""
    resources = rendered["Resources"]
    role_ref = resources[function]["Properties"]["Role"]
    role = resources[role_ref["Fn::GetAtt"][0]]["Properties"]
    documents = [policy["PolicyDocument"] for policy in role.get("Policies", [])]
    documents += [
        resources[arn["Ref"]]["Properties"]["PolicyDocument"]
        for arn in role.get("ManagedPolicyArns", [])
        if isinstance(arn, dict) and "Ref" in arn
    ]
    statements: list[dict[str, Any]] = []
    for document in documents:
        found = document["Statement"]
        statements.extend(found if isinstance(found, list) else [found])
    return statements


# --------------------------------------------------------------------------- the dashboard in a browser

# Debian's build of Chromium's headless shell (package chromium-headless-shell), the build Playwright runs
# headless tests in; `make test` installs it where it is missing.
CHROMIUM = Path("/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No name resolves but the loopback address: the browser reaches the local stack and nothing else.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SERIOUS = ("serious", "critical")


def launch_chromium(playwright: Any) -> Any:
    """A headless Chromium: Debian's, through Playwright's `executable_path` (Playwright's own build is never used)."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium-headless-shell, as root)"
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on `page` as it is now, one line each.

    axe-core is loaded into the page only here, when a test checks it, rather than into every page
    a test opens (half a megabyte of script parsed at each navigation). It is evaluated through the
    browser's DevTools protocol, which the page's Content-Security-Policy does not govern, so the
    page is checked under the very policy it is served with (no `bypass_csp`).
    """
    if page.evaluate("typeof axe") == "undefined":
        page.evaluate(_axe_source())
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [
        f"{violation['impact']} {violation['id']}: {violation['help']} "
        f"({', '.join(str(node['target']) for node in violation['nodes'][:3])})"
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
    ]


def sign_in(page: Any, username: str) -> None:
    """Sign `page` in as a demo user, through the dashboard's sign-in and the local managed login."""
    page.goto("/")
    page.get_by_role("button", name="Sign in").click()
    page.locator(f'button[name="username"][value="{username}"]').click()
    page.locator("#account").get_by_text("Sign out").wait_for()
