"""The users API over a big directory: a department admin's pages, their directory calls, and the access hook per row.

The directory is the Cognito emulator (its own process, over real sockets) seeded with 20,000
users, one department (Finance) of 5,000 and the rest in 30 departments of 500, plus kelly, the
Finance admin. Seeding goes through moto's models inside the emulator's process before it serves
(`--seed`), a few seconds instead of 20,000 AdminCreateUser calls. The users API is its real
handler in this process, with the shipped hooks; the table is not needed (listing audits nothing).

Figures, each beside its baseline from the same run:
- time per page of 50 as kelly, walking all of Finance, against the bare ListUsersInGroup calls the
  same page needs (same Limit and tokens, from a plain boto3 client);
- directory calls per page (counted on the adapter's client), against the minimum the plan allows;
- the access hook per row in process: the page's hook pass per row, against the shipped hook's own
  time for the same rows called directly (goal: at most 20 µs more per row, p50).
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.figures import Figure, logs_to_devnull, percentile
from local.cognito_emulator import CognitoEmulator
from local.demo_directory import LocalPool, cognito_client
from local.lambda_runtime import LambdaContext
from local.testing import UserPool, api_event, token_claims, users_api

GROUP = "users"
USERS = 20_000
DEPARTMENT_SIZE = 5_000
OTHER_DEPARTMENTS = 30
PER_PAGE = 50
PAGE_ROUNDS = 2
ROW_ROUNDS = 100
POOL = "bench-directory"
PASSWORD = "Bench-password-1"  # noqa: S105 - kelly's, in a pool that lives for the run on 127.0.0.1
OVERHEAD_GOAL_US = 20.0


def _seed_file(directory: Path) -> Path:
    """The emulator's --seed file: the pool, its groups, and 20,000 users (one department of 5,000)."""
    others = (USERS - DEPARTMENT_SIZE) // OTHER_DEPARTMENTS
    departments = [("Finance", DEPARTMENT_SIZE)] + [(f"Dept{n:02d}", others) for n in range(1, OTHER_DEPARTMENTS + 1)]
    users: list[dict[str, Any]] = []
    for name, size in departments:
        for number in range(1, size + 1):
            username = f"{name.lower()}-{number:05d}"
            attributes = {"email": f"{username}@example.com", "email_verified": "true", "custom:department": name}
            users.append({"username": username, "attributes": attributes, "groups": [f"department:{name}"]})
    users.append(
        {
            "username": "kelly",
            "attributes": {"email": "kelly@example.com", "custom:department": "Finance"},
            "groups": ["department:Finance", "delegated-admin-user"],
        }
    )
    groups = dict.fromkeys([f"department:{name}" for name, _ in departments] + ["delegated-admin-user"], "")
    spec = {
        "pool": POOL,
        "pool_settings": {"Schema": [{"Name": "department", "AttributeDataType": "String", "Mutable": True}]},
    }
    path = directory / "seed.json"
    path.write_text(json.dumps({**spec, "groups": groups, "users": users}))
    return path


def _user_pool(endpoint: str) -> UserPool:
    """The seeded pool, with an app client to sign kelly in and her permanent password."""
    raw = cognito_client(endpoint)
    pool_id = raw.list_user_pools(MaxResults=60)["UserPools"][0]["Id"]
    client_id = raw.create_user_pool_client(
        UserPoolId=pool_id, ClientName="bench", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    raw.admin_set_user_password(UserPoolId=pool_id, Username="kelly", Password=PASSWORD, Permanent=True)
    return UserPool(LocalPool(endpoint, pool_id, client_id), PASSWORD)


class _Calls:
    """Counts the listing calls (ListUsers, ListUsersInGroup) a botocore client makes; the caller's own
    record (AdminGetUser, once a minute per container) is not part of a page's plan."""

    def __init__(self) -> None:
        self.count = 0

    def watch(self, client: Any) -> None:
        for operation in ("ListUsers", "ListUsersInGroup"):
            client.meta.events.register(f"before-call.cognito-idp.{operation}", self._count)

    def _count(self, **_: Any) -> None:
        self.count += 1


def _api_pages(handler: Any, calls: _Calls, claims: dict[str, str]) -> tuple[list[float], list[int], list[str]]:
    """Walk Finance page by page: the time and directory calls of each page, and the users seen."""
    times, counts, seen, cursor = [], [], [], None
    while True:
        before = calls.count
        started = time.perf_counter()
        query = {"per_page": str(PER_PAGE), **({"cursor": cursor} if cursor else {})}
        event = api_event("GET", "/api/users", claims, query=query)
        response = handler(event, LambdaContext("UsersFunction", 512, 30.0))
        times.append((time.perf_counter() - started) * 1000)
        counts.append(calls.count - before)
        body = json.loads(response["body"])
        assert response["statusCode"] == 200, body
        seen += [user["user_id"] for user in body["users"]]
        cursor = body["next"]
        if cursor is None:
            return times, counts, seen


def _bare_pages(raw: Any, pool_id: str) -> list[float]:
    """The same walk with bare ListUsersInGroup calls of the page's size."""
    times, token = [], None
    while True:
        started = time.perf_counter()
        paging = {"NextToken": token} if token else {}
        answer = raw.list_users_in_group(UserPoolId=pool_id, GroupName="department:Finance", Limit=PER_PAGE, **paging)
        times.append((time.perf_counter() - started) * 1000)
        token = answer.get("NextToken")
        if not token:
            return times


def _row_costs(handler: Any, claims: dict[str, str]) -> tuple[list[float], list[float]]:
    """Per row (µs), round after round: the access hook over a page in process, and the shipped hook's
    own time for the same rows (its ctx made beforehand, called directly), measured alternately."""
    from dahooks.context import Context, Request
    from dahooks.hooks import Outcome
    from dahooks.users_api.caller import ActingUsers

    services = handler.services
    caller = ActingUsers(services.directory.get_user, 60).caller(claims)
    rows = services.directory.department_users("Finance", per_page=PER_PAGE).users
    hook = handler.hooks.loaded["access"].hook
    container = handler.hooks.containers["access"]

    def hook_alone() -> float:
        contexts = [
            Context("access", {"action": "read:user", "user": row}, Request(user=caller.user), container)
            for row in rows
        ]
        started = time.perf_counter()
        for ctx in contexts:
            outcome = Outcome("access")
            hook(ctx, outcome.callback)
        return (time.perf_counter() - started) * 1e6 / len(rows)

    ours, own = [], []
    for _ in range(ROW_ROUNDS):  # the hook alone just before and just after: the machine drifts
        before = hook_alone()
        started = time.perf_counter()
        kept, _hidden = services.pages.check(caller, rows, "read:user", "bench", 10.0)
        ours.append((time.perf_counter() - started) * 1e6 / len(rows))
        own.append((before + hook_alone()) / 2)
        assert len(kept) == len(rows)
    return ours, own


def run() -> list[Figure]:
    from dahooks.storage import Storage

    with logs_to_devnull(), tempfile.TemporaryDirectory() as scratch:
        seed = _seed_file(Path(scratch))
        started = time.perf_counter()
        with CognitoEmulator(seed=seed) as emulator:
            assert emulator.endpoint is not None
            seeded_s = time.perf_counter() - started
            pool = _user_pool(emulator.endpoint)
            claims = token_claims(pool.token("kelly"))
            calls = _Calls()
            # The audit log is not written by a listing: the table is never reached.
            unused = Storage("bench-not-used")
            handler = users_api(pool, storage_factory=lambda: unused, client_hook=calls.watch)
            api_ms: list[float] = []
            bare_ms: list[float] = []
            counts: list[int] = []
            seen: list[str] = []
            for _ in range(PAGE_ROUNDS):  # alternated, so that both see the same machine
                times, page_calls, seen = _api_pages(handler, calls, claims)
                api_ms += times
                counts += page_calls
                bare_ms += _bare_pages(pool.raw, pool.pool.pool_id)
            ours, own = _row_costs(handler, claims)
    minimum = math.ceil(PER_PAGE / 60)
    # Paired by round (and pages by position: a page deep in the group costs the emulator more).
    overhead = percentile([mine - theirs for mine, theirs in zip(ours, own, strict=True)], 0.5)
    ours_per_page = percentile([api - bare for api, bare in zip(api_ms, bare_ms, strict=True)], 0.5)
    return [
        Figure(GROUP, "seed 20,000 users (emulator start included)", f"{seeded_s:.1f} s"),
        Figure(
            GROUP,
            f"page of {PER_PAGE}, Finance admin (5,000 users), p50; ours: p50 of each page's difference",
            f"{percentile(api_ms, 0.5):.1f} ms (p90 {percentile(api_ms, 0.9):.1f}); ours +{ours_per_page:.1f} ms",
            f"bare ListUsersInGroup: {percentile(bare_ms, 0.5):.1f} ms (p90 {percentile(bare_ms, 0.9):.1f})",
        ),
        Figure(
            GROUP,
            "users listed walking every page (distinct)",
            f"{len(seen)} ({len(set(seen))})",
            f"{DEPARTMENT_SIZE + 1} in Finance",
            "every user exactly once",
            len(seen) == len(set(seen)) == DEPARTMENT_SIZE + 1,
        ),
        Figure(
            GROUP,
            "directory calls per page",
            f"max {max(counts)}, mean {sum(counts) / len(counts):.2f}",
            f"plan minimum {minimum}",
            "<= 2",
            max(counts) <= 2,
        ),
        Figure(
            GROUP,
            "access hook per row in process: our cost over the hook's own (p50 of each round's difference)",
            f"+{overhead:.1f} µs (page pass p50 {percentile(ours, 0.5):.1f} µs per row)",
            f"the shipped hook alone: {percentile(own, 0.5):.1f} µs per row",
            f"overhead <= {OVERHEAD_GOAL_US:.0f} µs",
            overhead <= OVERHEAD_GOAL_US,
        ),
    ]
