"""The users API's handler in process, against the session's Cognito emulator (the demo directory,
`user_pool`) and DynamoDB Local.

Each test gets a handler of its own (a cold container: an empty acting-user cache) and the emptied
table. Tests that change the directory change users of their own (`UserPool.add`), or undo what they did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from local.testing import Dashboard, UserPool, users_api

if TYPE_CHECKING:
    from collections.abc import Callable


@pytest.fixture
def dashboard(user_pool: UserPool, table: str) -> Dashboard:
    return Dashboard(users_api(user_pool), user_pool)


@pytest.fixture
def make_dashboard(user_pool: UserPool, table: str) -> Callable[..., Dashboard]:
    """make_dashboard(**options) -> a Dashboard on a handler of its own (`users_api`'s options)."""

    def make(**options: Any) -> Dashboard:
        return Dashboard(users_api(user_pool, **options), user_pool)

    return make
