"""Powertools idempotency on the project's DynamoDB table, keyed by the registration id.

A message SQS delivers twice, a Cognito trigger retried, the same user posted to the accept route
and reported by Auth0's event stream: each has the same registration id, and the hook's effect
runs once. The records share the table (pk/sk, TTL on `expires_at`) with the custom data, under a
partition of their own, and expire with the queue's retention, after which no copy can return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import config
from . import settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

KEY_PREFIX = "post-user-registration"
PARTITION = f"idempotency#{KEY_PREFIX}"


def dynamodb_persistence(table_name: str | None = None) -> BasePersistenceLayer:
    """The table named by `TABLE_NAME`, with the attribute names of the project's table."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(
        table_name=table_name or settings.required(settings.TABLE_NAME),
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=PARTITION,  # not the function's name: a renamed function still remembers
        expiry_attr="expires_at",
        in_progress_expiry_attr="in_progress_expires_at",
    )


def idempotency_config() -> IdempotencyConfig:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="id",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=int(config.env_float(settings.IDEMPOTENCY_EXPIRY, settings.DEFAULT_IDEMPOTENCY_SECONDS)),
    )


def once_per_registration(
    fn: Callable[..., Any], persistence: BasePersistenceLayer, idempotency: IdempotencyConfig
) -> Callable[..., Any]:
    """`fn(registration=..., ...)` that runs at most once successfully per `registration["id"]`."""
    from aws_lambda_powertools.utilities.idempotency import idempotent_function

    # Powertools types what its decorator returns as Any: it is `fn`, wrapped.
    runner: Callable[..., Any] = idempotent_function(
        fn,
        data_keyword_argument="registration",
        persistence_store=persistence,
        config=idempotency,
        key_prefix=KEY_PREFIX,
    )
    return runner
