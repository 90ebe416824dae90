"""Powertools idempotency on the project's DynamoDB table, keyed by the registration id.

A message SQS delivers twice, a Cognito trigger retried, a client retrying its POST: each has the
same registration id, and the hook's effect runs once. The records share the table (pk/sk, TTL on
`expires_at`) with the custom data, under a partition of their own, and expire with the queue's
retention, after which no copy can return.

The id is derived from who reported the registration and the user's id, not from everything it
says, so each record also keeps a hash of the registration's content (Powertools'
`payload_validation_jmespath`): a registration arriving under an id that already ran with other
content is not taken for a copy, but refused with `IdempotencyValidationError` (the worker keeps it
in the dead-letter queue).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import settings
from .calls import short_call_config

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

KEY_PREFIX = "post-user-registration"
PARTITION = f"idempotency#{KEY_PREFIX}"
# What a copy must repeat exactly: everything the hook is given.
CONTENT = "[source, user, context]"
# The records are read and written inside a record's attempt: short calls, one retry.
CALL_ATTEMPTS = 2


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
        boto_config=short_call_config(CALL_ATTEMPTS),
    )


def idempotency_config() -> IdempotencyConfig:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="id",
        payload_validation_jmespath=CONTENT,
        raise_on_no_idempotency_key=True,
        expires_after_seconds=settings.retention_seconds(),
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
