"""The demo directory `make run` serves: a user pool, its dashboard app client, and the demo users.

Created once, by the local emulator from a description of it (`demo_directory_seed`), kept by the
emulator across restarts, and found again by name at every start:

- departments IT, HR and Finance, ten employees each (`it-01`..`it-10`, `hr-01`.., `finance-01`..),
  e-mail `<username>@example.com`, verified;
- dashboard users kelly (Finance, user role), oscar (Finance, operator), amy (HR, auditor),
  ian (IT, administrator) and nora (no department, user role).

A user's department is the `custom:department` attribute and the group `department:<name>` (the
directory adapter's mapping), a role the group `delegated-admin-<role>` (the users API's roles):
both read from the layer, so the demo cannot drift from what the API expects. Every demo user has
one password, generated for this checkout and kept in `.local/cognito/demo-password` (owner only),
which `make token USER=...` signs in with as the dashboard would.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

POOL_NAME = "delegated-admin-local"
CLIENT_NAME = "dashboard"
DEPARTMENTS = {"IT": "it", "HR": "hr", "Finance": "finance"}
EMPLOYEES_PER_DEPARTMENT = 10
# username: (department or None, role)
DASHBOARD_USERS = {
    "kelly": ("Finance", "user"),
    "oscar": ("Finance", "operator"),
    "amy": ("HR", "auditor"),
    "ian": ("IT", "administrator"),
    "nora": (None, "user"),
}
PASSWORD_FILE = "cognito/demo-password"  # noqa: S105 - where it is kept, not the password
SEED_FILE = "cognito/demo-directory.json"  # the emulator's --seed: what the demo directory holds
RUNNING_POOL_FILE = "cognito/running-pool.json"  # where the running stack's pool is, while it runs
DEPARTMENT_SCHEMA = [{"Name": "department", "AttributeDataType": "String", "Mutable": True}]
# Profile attributes a user may change about themselves; never the department (an administrator's).
SELF_WRITABLE = ["email", "name", "given_name", "family_name", "nickname", "picture", "phone_number"]


@dataclass(frozen=True)
class LocalPool:
    """The local user pool: where it is, and the ids the template's parameters take."""

    endpoint: str
    pool_id: str
    client_id: str
    region: str = "us-east-1"

    @property
    def issuer(self) -> str:
        """The issuer of the pool's tokens, as in AWS (moto signs them so)."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"

    @property
    def local_issuer_url(self) -> str:
        """Where the emulator serves what AWS serves at the issuer's URL (its JWKS)."""
        return f"{self.endpoint}/{self.pool_id}"


def announce(pool: LocalPool, state_dir: Path) -> Path:
    """Write where the running stack's pool is (for `make token USER=...`); the stack removes it on stop."""
    path = state_dir / RUNNING_POOL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dataclasses.asdict(pool)), encoding="utf-8")
    return path


def running_pool(state_dir: Path) -> LocalPool:
    """The pool of the stack running on `state_dir`; FileNotFoundError when none is running."""
    return LocalPool(**json.loads((state_dir / RUNNING_POOL_FILE).read_text(encoding="utf-8")))


@functools.cache
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()


def cognito_client(endpoint: str, region: str = "us-east-1", config: Any = None) -> Any:
    """A cognito-idp client on the emulator (`config`: botocore's, e.g. the directory adapter's).

    botocore's own, which is what boto3 would hand back: importing boto3 also imports s3transfer,
    a fifth of a second more for each `make token USER=...` (a printed curl line runs one). Made
    from one session per process, as boto3's default session would: its service model is read once."""
    return _botocore_session().create_client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - the emulator takes any
        config=config,
    )


def demo_password(state_dir: Path) -> str:
    """This checkout's demo password, made on first use."""
    path = state_dir / PASSWORD_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as stream:
            stream.write(f"Demo-{secrets.token_urlsafe(12)}-9a")
    return path.read_text(encoding="utf-8").strip()


def demo_directory_seed(state_dir: Path) -> Path:
    """Write the demo directory as the Cognito emulator's `--seed` file (see `seed_from_file` there),
    and return its path: the emulator creates it at its first start, then keeps it across restarts.
    The password stays in its own file, which the seed names."""
    from dahooks.directory import DirectoryMapping  # here, not above: `make token USER=...` needs none of the API
    from dahooks.users_api.roles import ROLES

    demo_password(state_dir)
    mapping = DirectoryMapping()
    role_groups = {role.name: role.group for role in ROLES}
    department_groups = {name: str(mapping.group_for_department(name)) for name in DEPARTMENTS}
    users = []
    for username, department, role in demo_users():
        attributes = {"email": f"{username}@example.com", "email_verified": "true", "name": _display_name(username)}
        if department is not None:
            attributes[mapping.department_attribute()] = department
        groups = ([department_groups[department]] if department else []) + ([role_groups[role]] if role else [])
        users.append({"username": username, "attributes": attributes, "groups": groups})
    seed = {
        "pool": POOL_NAME,
        "pool_settings": {"Schema": DEPARTMENT_SCHEMA, "Policies": {"PasswordPolicy": {"MinimumLength": 8}}},
        "clients": [
            {
                "ClientName": CLIENT_NAME,
                "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "WriteAttributes": SELF_WRITABLE,
            }
        ],
        "groups": {
            **{role.group: f"Delegated admin: {role.name}" for role in ROLES},
            **dict.fromkeys(department_groups.values(), ""),
        },
        "users": users,
        "password_file": str((state_dir / PASSWORD_FILE).resolve()),  # the emulator runs elsewhere
    }
    path = state_dir / SEED_FILE
    path.write_text(json.dumps(seed, indent=1), encoding="utf-8")
    return path


def demo_pool(endpoint: str) -> LocalPool:
    """The demo pool on the emulator at `endpoint` (seeded by it from `demo_directory_seed`), found by name."""
    client = cognito_client(endpoint)
    pools = client.list_user_pools(MaxResults=60)["UserPools"]
    found = next((pool["Id"] for pool in pools if pool["Name"] == POOL_NAME), None)
    if found is None:
        raise LookupError(f"the Cognito emulator at {endpoint} has no pool {POOL_NAME!r}: was it given the demo seed?")
    clients = client.list_user_pool_clients(UserPoolId=found, MaxResults=60)["UserPoolClients"]
    client_id = next(item["ClientId"] for item in clients if item["ClientName"] == CLIENT_NAME)
    return LocalPool(endpoint, found, client_id)


def demo_users() -> list[tuple[str, str | None, str | None]]:
    """(username, department, role) of every demo user: the employees, then the dashboard users."""
    users: list[tuple[str, str | None, str | None]] = [
        (f"{prefix}-{number:02d}", department, None)
        for department, prefix in DEPARTMENTS.items()
        for number in range(1, EMPLOYEES_PER_DEPARTMENT + 1)
    ]
    users += [(username, department, role) for username, (department, role) in DASHBOARD_USERS.items()]
    return users


def user_token(pool: LocalPool, username: str, password: str) -> str:
    """An access token for `username`, issued by the pool as it issues the dashboard's (a password sign-in)."""
    answer = cognito_client(pool.endpoint).admin_initiate_auth(
        UserPoolId=pool.pool_id,
        ClientId=pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(answer["AuthenticationResult"]["AccessToken"])


def _display_name(username: str) -> str:
    prefix, _, number = username.partition("-")
    department = next((name for name, short in DEPARTMENTS.items() if short == prefix), None)
    return f"{department} employee {number}" if department and number else username.capitalize()
