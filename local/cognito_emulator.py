"""The local Cognito user pool: moto's cognito-idp in a process of its own, kept across restarts.

Cognito has no official local build; moto's emulation is what the directory adapter is tested
against (see the functional tests), so it is what `make run` serves too. It runs in a child process
of its own, apart from the moto that serves SQS, SSM and Secrets Manager: nothing else draws from
its random numbers or shares its state, and its pool and client ids come from their names
(moto's HASH id strategies), so they are the same at every start.

Persistence: after every request that can change the directory (anything but Get*, List*,
Describe*), the child writes moto's user pools to `state` (a pickle, written to a temporary file
and renamed, so a crash never leaves half a file), and loads them back at start. Users, groups,
attributes, passwords, `sub`s, creation dates and app clients therefore survive a restart exactly,
and tokens issued before it still verify (moto signs every pool with one fixed key). Requests are
served one at a time (moto's models are not thread-safe, and a snapshot must not see half a change).
A snapshot that does not load (a moto upgrade changed its classes) is moved aside and the directory
starts empty, to be seeded again from `--seed` (`make run`'s demo directory). The file holds the users' passwords:
it lives under `.local/`, readable by its owner only.

moto does not implement AdminListDevices; the child answers it with the devices moto tracks, which
is none (after checking that the user exists, as Cognito does).

`--seed FILE` creates a pool through moto's models before serving, unless one of its name was kept:
`make run`'s demo directory at its first start, the benchmark's tens of thousands of users in seconds
(one HTTP call each would take minutes).

`python -m local.cognito_emulator [--port N] [--state FILE] [--seed FILE]` is the child's entry point.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .moto_server import MotoServer, serve_until_stdin_closes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

READY_PREFIX = "cognito-ready "
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
READ_PREFIXES = ("Get", "List", "Describe", "AdminGet", "AdminList")
ID_STRATEGIES = {
    "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
    "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
}
_JWK = "moto-cognito-jwk"


class CognitoEmulator(MotoServer):
    """The local Cognito, started by `start` (or `with`) and ended by `stop`."""

    module = "local.cognito_emulator"
    ready_prefix = READY_PREFIX
    name = "Cognito emulator"

    def __init__(self, state: Path | None = None, log_path: Path | None = None, seed: Path | None = None) -> None:
        super().__init__(log_path)
        self._state = state
        self._seed = seed

    def arguments(self) -> list[str]:
        arguments = []
        if self._state is not None:
            arguments += ["--state", str(self._state)]
        if self._seed is not None:
            arguments += ["--seed", str(self._seed)]
        return arguments

    def environment(self) -> dict[str, str]:
        return ID_STRATEGIES


# ---------------------------------------------------------------- the child process


class _PoolsPickler(pickle.Pickler):
    """Pickles moto's pools, leaving out the pools' signing key (one fixed key, loaded again from moto)."""

    def persistent_id(self, obj: Any) -> str | None:
        from joserfc import jwk

        return _JWK if isinstance(obj, jwk.RSAKey) else None


class _PoolsUnpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        if pid != _JWK:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        from joserfc import jwk
        from moto.utilities.utils import load_resource

        return jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))


class Snapshot:
    """moto's user pools (every account and region) in one file, written after each change."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self) -> None:
        from moto.cognitoidp.models import cognitoidp_backends

        pools = {
            (account, region): (backend.user_pools, backend.user_pool_domains)
            for account, regions in cognitoidp_backends.items()
            for region, backend in regions.items()
            if backend.user_pools
        }
        buffer = io.BytesIO()
        _PoolsPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(pools)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f"{self.path.name}.tmp")
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as stream:
            stream.write(buffer.getvalue())
        temporary.replace(self.path)

    def restore(self) -> int:
        """Load the saved pools into moto; returns how many (0: nothing saved, or it did not load)."""
        if not self.path.exists():
            return 0
        from moto.cognitoidp.models import cognitoidp_backends

        try:
            with self.path.open("rb") as stream:
                pools = _PoolsUnpickler(stream).load()
        except Exception as error:  # an older moto's classes, a truncated file: start afresh, keep the file
            broken = self.path.with_name(f"{self.path.name}.unreadable")
            self.path.replace(broken)
            print(f"the saved directory did not load ({error!r}); moved to {broken}", file=sys.stderr)
            return 0
        for (account, region), (user_pools, domains) in pools.items():
            backend = cognitoidp_backends[account][region]
            backend.user_pools.update(user_pools)
            backend.user_pool_domains.update(domains)
        return sum(len(user_pools) for user_pools, _ in pools.values())


def changes_directory(target: str) -> bool:
    """True for a cognito-idp request (by its X-Amz-Target) that can change what a snapshot holds."""
    if not target.startswith(TARGET_PREFIX):
        return False
    return not target[len(TARGET_PREFIX) :].startswith(READ_PREFIXES)


class _OneAtATime:
    """WSGI middleware: requests served one at a time, and a snapshot taken after each change."""

    def __init__(self, app: Callable[..., Iterable[bytes]], snapshot: Snapshot | None) -> None:
        self.app = app
        self.snapshot = snapshot
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            body = list(self.app(environ, start_response))
            if self.snapshot is not None and changes_directory(environ.get("HTTP_X_AMZ_TARGET", "")):
                self.snapshot.save()
            return body


def _stand_in_for_admin_list_devices() -> None:
    """Give moto's cognito-idp the AdminListDevices it lacks: the user's devices, which moto never tracks."""
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.responses import ActionResult

    def admin_list_devices(self: Any) -> Any:
        self.backend.admin_get_user(self._get_param("UserPoolId"), self._get_param("Username"))
        return ActionResult({"Devices": []})

    if not hasattr(CognitoIdpResponse, "admin_list_devices"):
        CognitoIdpResponse.admin_list_devices = admin_list_devices  # type: ignore[attr-defined]


def seed_from_file(path: Path) -> tuple[str, bool]:
    """Create the pool `path` describes through moto's models, unless a pool of its name exists;
    returns the pool's id and whether it was created.

    Through the models, not the API: the demo directory is made in a few milliseconds and written to
    the snapshot once, rather than in a hundred requests that each rewrite the snapshot, and the
    benchmark's 20,000 users in seconds. The file is JSON, its keys those of Cognito's requests:
    {"pool": name, "pool_settings": {"Schema": [...], ...}, "clients": [{"ClientName": ..., ...}],
    "groups": {name: description}, "users": [{"username": ..., "attributes": {...}, "groups": [...]}],
    "password_file": a file holding every user's permanent password (else they get none)}.
    """
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    spec = json.loads(path.read_text(encoding="utf-8"))
    # Called as moto's own request handlers call it: with None for what a request leaves out (its
    # annotations say str).
    backend: Any = cognitoidp_backends[DEFAULT_ACCOUNT_ID][spec.get("region", "us-east-1")]
    existing = next((pool for pool in backend.user_pools.values() if pool.name == spec["pool"]), None)
    if existing is not None:
        return str(existing.id), False
    # The settings as moto's handlers pass them on: the whole request, in the order it was sent. moto
    # makes a pool's and a client's ids by hashing them, so a seeded pool gets the ids that the same
    # requests through the API would.
    settings = {"PoolName": spec["pool"], **spec.get("pool_settings", {})}
    pool = backend.create_user_pool(spec["pool"], settings)
    for client in spec.get("clients", []):
        backend.create_user_pool_client(pool.id, False, {"UserPoolId": pool.id, **client})
    for group, description in spec.get("groups", {}).items():
        backend.create_group(pool.id, group, description, None, None)
    password_file = spec.get("password_file")
    password = Path(password_file).read_text(encoding="utf-8").strip() if password_file else None
    for user in spec["users"]:
        attributes = [{"Name": name, "Value": value} for name, value in user.get("attributes", {}).items()]
        backend.admin_create_user(pool.id, user["username"], "SUPPRESS", None, attributes)
        if password is not None:
            backend.admin_set_user_password(pool.id, user["username"], password, True)
        for group in user.get("groups", []):
            backend.admin_add_user_to_group(pool.id, group, user["username"])
    return str(pool.id), True


def _serve(port: int, state: Path | None, seed: Path | None) -> None:
    """The child: serve cognito-idp on 127.0.0.1:`port`, print the bound port, exit when stdin closes."""
    os.environ.update(ID_STRATEGIES)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops this server itself
    _stand_in_for_admin_list_devices()
    snapshot = Snapshot(state) if state is not None else None
    if snapshot is not None:
        snapshot.restore()
    if seed is not None:
        _, created = seed_from_file(seed)
        if created and snapshot is not None:
            snapshot.save()
    serve_until_stdin_closes(port, READY_PREFIX, lambda app: _OneAtATime(app, snapshot))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="moto's cognito-idp, kept across restarts")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", type=Path, help="the file the directory is kept in (none: not kept)")
    parser.add_argument("--seed", type=Path, help="a pool to create before serving (see seed_from_file)")
    arguments = parser.parse_args()
    _serve(arguments.port, arguments.state, arguments.seed)
