"""The demo directory the Cognito emulator seeds through moto's models (`--seed`) is the directory
Cognito's own API would make from the same description: the same pool, app client, groups, users,
attributes, statuses, memberships and passwords. (That a kept directory is not seeded again at a
restart, tests/e2e/test_local_lifecycle.py shows: the directory it compares would lose its changes.)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from local.cognito_emulator import CognitoEmulator
from local.demo_directory import DASHBOARD_USERS, cognito_client, demo_directory_seed, demo_password, demo_pool
from local.testing import UserPool

if TYPE_CHECKING:
    from pathlib import Path

# What differs between two directories made apart however they are made: the moment and the random `sub`.
UNIQUE = {"UserCreateDate", "UserLastModifiedDate", "CreationDate", "LastModifiedDate", "sub"}


def _made_through_the_api(endpoint: str, seed: dict[str, Any]) -> None:
    """The directory `seed` describes, made one Cognito request at a time, as a client of the API would."""
    raw = cognito_client(endpoint)
    pool_id = raw.create_user_pool(PoolName=seed["pool"], **seed["pool_settings"])["UserPool"]["Id"]
    for client in seed["clients"]:
        raw.create_user_pool_client(UserPoolId=pool_id, **client)
    for group, description in seed["groups"].items():
        raw.create_group(UserPoolId=pool_id, GroupName=group, **({"Description": description} if description else {}))
    with open(seed["password_file"], encoding="utf-8") as stream:
        password = stream.read().strip()
    for user in seed["users"]:
        attributes = [{"Name": name, "Value": value} for name, value in user["attributes"].items()]
        raw.admin_create_user(
            UserPoolId=pool_id, Username=user["username"], MessageAction="SUPPRESS", UserAttributes=attributes
        )
        raw.admin_set_user_password(UserPoolId=pool_id, Username=user["username"], Password=password, Permanent=True)
        for group in user["groups"]:
            raw.admin_add_user_to_group(UserPoolId=pool_id, Username=user["username"], GroupName=group)


def _comparable(pool: UserPool) -> dict[str, Any]:
    """The pool as its API describes it, without what is unique to each making."""
    raw, pool_id, client_id = pool.raw, pool.pool.pool_id, pool.pool.client_id

    def scrub(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items() if key not in UNIQUE and key != "ResponseMetadata"}
        if isinstance(value, list):
            return [scrub(item) for item in value if not (isinstance(item, dict) and item.get("Name") in UNIQUE)]
        return value

    snapshot = pool.snapshot()
    return scrub(
        {
            "pool": raw.describe_user_pool(UserPoolId=pool_id)["UserPool"],
            "client": raw.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"],
            "groups": raw.list_groups(UserPoolId=pool_id, Limit=60)["Groups"],
            "users": snapshot["users"],
        }
    )


def test_the_seeded_demo_directory_is_the_one_the_api_makes(tmp_path: Path) -> None:
    seed_file = demo_directory_seed(tmp_path)
    seed = json.loads(seed_file.read_text(encoding="utf-8"))
    password = demo_password(tmp_path)

    with CognitoEmulator(seed=seed_file) as seeded, CognitoEmulator() as by_the_api:
        assert seeded.endpoint is not None
        assert by_the_api.endpoint is not None
        _made_through_the_api(by_the_api.endpoint, seed)
        ours, reference = (
            UserPool(demo_pool(seeded.endpoint), password),
            UserPool(demo_pool(by_the_api.endpoint), password),
        )

        assert len(ours.snapshot()["users"]) == len(seed["users"]) == 35
        assert _comparable(ours) == _comparable(reference)
        # Every dashboard user signs in with the demo password, as the dashboard and `make token USER=` do.
        for username in DASHBOARD_USERS:
            assert ours.token(username).count(".") == 2
