"""`make run`: the whole API of template.yaml on http://127.0.0.1:3000, without Docker.

One foreground process tree, started in order and stopped in reverse: DynamoDB Local (data under
`.local/dynamodb`, kept across restarts; `--dynamodb-endpoint` uses one already running instead,
with `--table-prefix` naming this stack's tables apart from others'), moto's server (SQS, SSM,
Secrets Manager) and, for a template with a user pool, the Cognito emulator (these launched side by
side), the template's resources created where missing, one warm worker per function
(`--warm-containers LAZY`: each at its function's first request), the SQS event sources, and the
gateway (with the local issuer's token endpoint, `POST /oauth/token`, for the development machine
client whose secret it keeps in `.local/machine-client.json`). Once serving it writes a machine
token with every scope of the template to `.local/dev-token` and prints where everything is
(local/banner.py). Every request leaves a JSON line in `.local/logs/access.log`.
Ctrl-C or SIGTERM stops everything it started; no child outlives it and the port is freed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import errno
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import aws
from .access_log import ACCESS_LOG_FILE, AccessLog
from .authorizer import JwtAuthorizer, LocalIssuer, published_keys
from .banner import all_scopes, print_banner
from .cognito_emulator import CognitoEmulator
from .dashboard_site import dashboard_site
from .demo_directory import (
    RUNNING_POOL_FILE,
    SEED_FILE,
    LocalPool,
    announce,
    demo_directory_seed,
    demo_password,
    demo_pool,
)
from .dynamodb_local import TABLE_NAME_CHARACTERS, DynamoDBLocal
from .event_source import SqsEventSource
from .gateway import Gateway, NonLoopbackBindError, ensure_loopback
from .local_login import LocalLogin
from .machine_client import CLIENT_FILE, development_client
from .moto_server import MotoServer
from .paths import DASHBOARD, STATE_DIR, TEMPLATE
from .resources import create_resources
from .template import Route, Template
from .token_endpoint import TOKEN_PATH, TokenEndpoint
from .worker_pool import DEFAULT_CONCURRENCY, WorkerPool

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .dashboard_site import DashboardSite
    from .processes import ServerProcess

DEFAULT_PORT = 3000
USER_POOL_PARAMETER = "UserPoolId"
DASHBOARD_CLIENT = "DashboardClient"  # the template's app client for the dashboard: locally the demo pool's
DEV_TOKEN_LIFETIME_S = 7 * 24 * 3600  # rewritten at every start; a week outlasts any working session


class _Stop(Exception):
    """SIGTERM or SIGINT arrived while the stack was still starting."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop


def _queue_url(values: dict[str, Any], queue: str) -> str:
    """The URL of the queue an SQS event names by ARN (what `!GetAtt Queue.Arn` resolved to)."""
    for name, value in values.items():
        if name.endswith(".Arn") and value == queue and f"{name[:-4]}.QueueUrl" in values:
            return str(values[f"{name[:-4]}.QueueUrl"])
    return queue


def _start_event_sources(template: Template, pool: WorkerPool, moto_endpoint: str) -> list[SqsEventSource]:
    """One SQS event source per SQS event of a function, as Lambda's event source mappings: its batch
    size, and at most its MaximumConcurrency invocations at once (one poller each)."""
    sources = []
    for mapping in template.sqs_mappings():
        source = SqsEventSource(
            queue_url=_queue_url(template.values, mapping.queue),
            endpoint=moto_endpoint,
            invoke=pool.invoker(mapping.function),
            batch_size=mapping.batch_size,
            pollers=mapping.maximum_concurrency or 1,
        )
        source.start()
        sources.append(source)
    return sources


class Stack:
    """The parts of the local stack, started in order and stopped in reverse."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.state_dir: Path = args.state_dir.resolve()
        # DynamoDB Local of its own (its data in the state directory), unless given one already running.
        self.dynamodb = None if args.dynamodb_endpoint else DynamoDBLocal(self.state_dir / "dynamodb")
        self.dynamodb_endpoint: str = args.dynamodb_endpoint or ""
        self.moto = MotoServer(log_path=self.state_dir / "logs" / "moto.log")
        # The user pool, for a template that manages one (its UserPoolId parameter), kept across restarts.
        self.cognito = CognitoEmulator(
            self.state_dir / "cognito" / "directory.pickle",
            self.state_dir / "logs" / "cognito.log",
            seed=self.state_dir / SEED_FILE,  # the demo directory, written before the emulator starts
        )
        self.pool_of_users: LocalPool | None = None
        self.issuer = LocalIssuer(self.state_dir)
        self.client = development_client(self.state_dir)
        self.access_log: AccessLog | None = None
        self.aws_environment: dict[str, str] = {}
        self.pool: WorkerPool | None = None
        self.gateway: Gateway | None = None
        self.sources: list[SqsEventSource] = []
        self.values: dict[str, Any] = {}
        # Where `make invoke` finds the running stack's endpoints and resource names.
        self.ready_file: Path = args.ready_file or self.state_dir / "stack.json"

    def start_services(self) -> Template:
        """The blocking part: endpoints up, resources created; returns the template resolved against them.

        DynamoDB Local, moto and the Cognito emulator are separate processes: all are launched first
        and then waited for, so their start-ups overlap instead of adding up. If one never gets ready,
        the others are already launched; `stop_services` stops every one of them."""
        (self.state_dir / "logs").mkdir(parents=True, exist_ok=True)
        values: dict[str, Any] = {
            "JwtIssuer": self.issuer.issuer,
            "JwtAudience": self.issuer.audience,
            **dict(self.args.parameter_overrides),
        }
        template = Template(self.args.template, values=values)
        has_directory = USER_POOL_PARAMETER in template.document.get("Parameters", {})
        servers: dict[str, ServerProcess] = {} if self.dynamodb is None else {"dynamodb": self.dynamodb}
        servers["moto"] = self.moto
        if has_directory:
            demo_directory_seed(self.state_dir)
            servers["cognito"] = self.cognito
        for server in servers.values():
            server.launch()
        endpoints = {name: server.wait_ready() for name, server in servers.items()}
        dynamodb_endpoint = self.dynamodb_endpoint = endpoints.get("dynamodb", self.dynamodb_endpoint)
        moto_endpoint, cognito_endpoint = endpoints["moto"], endpoints.get("cognito")
        if cognito_endpoint is not None:
            pool = self.pool_of_users = demo_pool(cognito_endpoint)
            announce(pool, self.state_dir)
            values.update({USER_POOL_PARAMETER: pool.pool_id, DASHBOARD_CLIENT: pool.client_id})
        values.update(
            create_resources(template, dynamodb_endpoint, moto_endpoint, self.state_dir, self.args.table_prefix)
        )
        self.values = values
        self.aws_environment = aws.environment(dynamodb=dynamodb_endpoint, moto=moto_endpoint, cognito=cognito_endpoint)
        return Template(self.args.template, values=values)

    def authorizers(self, template: Template) -> dict[str, JwtAuthorizer]:
        """Each of the template's JWT authorizers, with the keys of the issuer it names: the local
        issuer's, or the local user pool's (read from its JWKS, as API Gateway reads a pool's)."""
        found = {}
        for name, config in template.authorizers().items():
            keys = {}
            if config.issuer == self.issuer.issuer:
                keys = self.issuer.authorizer().keys
            elif self.pool_of_users is not None and config.issuer == self.pool_of_users.issuer:
                keys = published_keys(self.pool_of_users.local_issuer_url)
            else:
                print(f"local stack: no local issuer for {name} ({config.issuer}): its routes answer 401", flush=True)
            found[name] = JwtAuthorizer(config.issuer, list(config.audiences), keys)
        return found

    async def serve(self, template: Template, stop: asyncio.Event) -> None:
        functions = template.functions()
        reserved = {
            logical_id: function.reserved_concurrency
            for logical_id, function in functions.items()
            if function.reserved_concurrency is not None
        }
        self.pool = WorkerPool(
            functions,
            self.aws_environment,
            self.state_dir / "logs",
            concurrency=self.args.concurrency,
            reserved=reserved,
            echo=not self.args.quiet,
        )
        await self.pool.start(warm=self.args.warm_containers == "EAGER")
        routes = template.routes()
        log_path = self.state_dir / "logs" / ACCESS_LOG_FILE
        echo = None if self.args.quiet else _print
        self.access_log = AccessLog(template.access_log_format(), log_path, echo=echo)
        self.gateway = Gateway(
            routes,
            self.pool,
            self.issuer.authorizer(),
            authorizers=self.authorizers(template),
            host=self.args.host,
            port=self.args.port,
            allow_non_loopback=self.args.allow_non_loopback,
            access_log=self.access_log,
            token_endpoint=TokenEndpoint(self.issuer, self.client, all_scopes(routes)),
            site=self._site(template),
        )
        port = await self.gateway.start()
        self.sources = await asyncio.to_thread(_start_event_sources, template, self.pool, self.moto.endpoint or "")
        url = f"http://{self.args.host}:{port}"
        token_file = self._write_dev_token(routes)
        self._announce(routes, url, token_file)
        self._write_ready_file(url, token_file)
        await stop.wait()

    def _site(self, template: Template) -> DashboardSite | None:
        """The dashboard's pages, signing in with the demo directory's users when there is one."""
        pool = self.pool_of_users
        login = LocalLogin(pool, demo_password(self.state_dir)) if pool is not None else None
        return dashboard_site(template, DASHBOARD, login)

    def _write_dev_token(self, routes: list[Route]) -> Path:
        token_file = self.state_dir / "dev-token"
        token_file.touch(mode=0o600)
        token = self.issuer.mint(all_scopes(routes), self.client.claims(), DEV_TOKEN_LIFETIME_S)
        token_file.write_text(token + "\n")
        return token_file

    def _announce(self, routes: list[Route], url: str, token_file: Path) -> None:
        print_banner(
            routes,
            url,
            token_file,
            template=self.args.template,
            state_dir=self.state_dir,
            dynamodb=self.dynamodb_endpoint,
            moto=self.moto.endpoint or "",
            cognito=self.pool_of_users,
            client=self.client,
            dashboard=self.gateway is not None and self.gateway.site is not None,
            table_prefix=self.args.table_prefix if self.dynamodb is None else None,
        )

    def _write_ready_file(self, url: str, token_file: Path) -> None:
        ready = {
            "url": url,
            "pid": os.getpid(),
            "dynamodb": self.dynamodb_endpoint,
            "dynamodb_pid": self.dynamodb.pid if self.dynamodb is not None else None,
            "moto": self.moto.endpoint,
            "token_file": str(token_file),
            "token_url": f"{url}{TOKEN_PATH}",
            "machine_client_file": str(self.state_dir / CLIENT_FILE),
            "worker_pids": self.pool.pids() if self.pool else [],
            "values": self.values,
            "aws_environment": self.aws_environment,
            "cognito": dataclasses.asdict(self.pool_of_users) if self.pool_of_users else None,
        }
        temporary = self.ready_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(ready, default=str))
        temporary.replace(self.ready_file)

    async def stop_async(self) -> None:
        if self.gateway is not None:
            await self.gateway.stop()
        for source in self.sources:
            await asyncio.to_thread(source.stop)
        if self.pool is not None:
            await self.pool.stop()
        if self.access_log is not None:
            self.access_log.close()

    def stop_services(self) -> None:
        (self.state_dir / RUNNING_POOL_FILE).unlink(missing_ok=True)
        self.cognito.stop()
        self.moto.stop()
        if self.dynamodb is not None:
            self.dynamodb.stop()
        self.ready_file.unlink(missing_ok=True)


def _print(line: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} gateway | {line}", flush=True)


async def _run(stack: Stack, template: Template) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stack.serve(template, stop)
    finally:
        print("\nstopping ...", flush=True)
        await stack.stop_async()


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    previous = {signum: signal.signal(signum, _raise_stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _parameter(text: str) -> tuple[str, str]:
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return name, value


def _loopback_url(text: str) -> str:
    """`text` if it is http://127.0.0.1:<port>, where every local server listens: the stack never
    sends its data to another machine."""
    parts = urlsplit(text)
    if parts.scheme != "http" or parts.hostname != "127.0.0.1" or not parts.port or parts.path not in ("", "/"):
        raise argparse.ArgumentTypeError(f"expected http://127.0.0.1:<port>, not {text!r}")
    return text.rstrip("/")


def _table_prefix(text: str) -> str:
    if not TABLE_NAME_CHARACTERS.issuperset(text):
        raise argparse.ArgumentTypeError(f"a table name holds only A-Z, a-z, 0-9, '_', '.' and '-', not {text!r}")
    return text


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="the local stack of template.yaml (make run)")
    parser.add_argument("--template", type=Path, default=TEMPLATE)
    # `make run` passes HOST and PORT as given, empty when not: empty is the default.
    parser.add_argument("--host", default=os.environ.get("HOST") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=os.environ.get("PORT") or str(DEFAULT_PORT))
    parser.add_argument(
        "--allow-non-loopback",
        action="store_true",
        default=os.environ.get("ALLOW_NON_LOOPBACK") == "1",
        help="let --host be an address other machines can reach (never needed for local work)",
    )
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR, help="keys, tokens, logs, DynamoDB data")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="workers per function at most")
    parser.add_argument("--quiet", action="store_true", help="function logs to files only, no access log")
    parser.add_argument(
        "--warm-containers",
        choices=("EAGER", "LAZY"),
        default="EAGER",
        help="as sam local's: a worker per function at start (EAGER), or at its first request (LAZY)",
    )
    parser.add_argument("--ready-file", type=Path, help="write the endpoints as JSON here once serving")
    parser.add_argument(
        "--dynamodb-endpoint",
        type=_loopback_url,
        help="a DynamoDB Local already running on this machine, rather than one of the stack's own",
    )
    parser.add_argument(
        "--table-prefix",
        type=_table_prefix,
        default="",
        help="start the tables' names with this (with --dynamodb-endpoint: stacks sharing a DynamoDB Local)",
    )
    parser.add_argument(
        "--parameter-overrides",
        nargs="*",
        default=[],
        type=_parameter,
        metavar="NAME=VALUE",
        help="template parameters, as `sam deploy --parameter-overrides` takes them",
    )
    args = parser.parse_args(argv)
    if args.table_prefix and not args.dynamodb_endpoint:
        parser.error(
            "--table-prefix names a stack's tables on a DynamoDB Local it shares: give --dynamodb-endpoint too"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.allow_non_loopback:
        try:
            ensure_loopback(args.host)  # before anything starts
        except NonLoopbackBindError as error:
            print(f"local stack: {error}", file=sys.stderr)
            return 2
    stack = Stack(args)
    try:
        with _stop_on_signals():
            template = stack.start_services()
        asyncio.run(_run(stack, template))
    except _Stop:
        pass
    except (OSError, NonLoopbackBindError) as error:
        print(f"local stack: {error}", file=sys.stderr)
        if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
            print(
                f"port {args.port} is taken: stop what uses it, or choose another (PORT=3001 make run)", file=sys.stderr
            )
        return 1
    finally:
        # A second Ctrl-C must not interrupt the stopping itself and leave a child behind.
        previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in (signal.SIGINT, signal.SIGTERM)}
        stack.stop_services()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
