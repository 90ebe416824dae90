"""The DynamoDB client the storage uses, and the translation of its failures into domain errors.

boto3 is imported here, and only when a client is first built: a hook that never touches
`ctx.read`/`ctx.write`/`ctx.cache` never pays for it. The endpoint comes from boto3's own
configuration (`AWS_ENDPOINT_URL_DYNAMODB` points it at DynamoDB Local), so there is no
test-only branch. Throttling and dropped connections are retried by botocore itself (standard
retry mode by default, `adaptive` by setting DYNAMODB_RETRY_MODE); whatever still fails becomes
`ServiceUnavailableError` (503).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .. import config
from ..aws_clients import new_client
from ..aws_errors import error_code
from ..exceptions import ServiceUnavailableError, StorageAccessDeniedError
from ..logs import logger

if TYPE_CHECKING:
    from collections.abc import Iterator

RETRY_MODE = "DYNAMODB_RETRY_MODE"
MAX_ATTEMPTS = "DYNAMODB_MAX_ATTEMPTS"
CONNECT_TIMEOUT = "DYNAMODB_CONNECT_TIMEOUT"
READ_TIMEOUT = "DYNAMODB_READ_TIMEOUT"

# Attempts in all (the first one included). botocore waits rand * 25 ms * 2**i after a dropped
# connection and rand * 1 s * 2**i after throttling, so four attempts fit a 10 s Lambda.
DEFAULT_MAX_ATTEMPTS = 4
DEFAULT_CONNECT_TIMEOUT = 1.0
DEFAULT_READ_TIMEOUT = 2.0
# A best-effort write (a hook's failure, kept for the configuration page) happens while the caller
# waits for an answer already decided, sometimes at the hook's deadline: one attempt, quickly given up,
# so that it can never push the function past its own timeout.
BEST_EFFORT_CONNECT_TIMEOUT = 0.2
BEST_EFFORT_READ_TIMEOUT = 0.3

# DynamoDB's answers that mean "not now": retried by botocore, then a 503.
_UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "LimitExceededException",
        "ResourceNotFoundException",  # the table is being created or was deleted: a deployment, not the caller
    }
)
_ACCESS_DENIED_CODES = frozenset({"AccessDeniedException", "UnrecognizedClientException"})


def client_config() -> Any:
    """botocore's Config: retry mode and attempts, and timeouts short enough to retry within a Lambda."""
    from botocore.config import Config

    mode = config.env_str(RETRY_MODE, "standard")
    if mode not in ("standard", "adaptive"):
        raise ValueError(f"environment variable {RETRY_MODE} must be 'standard' or 'adaptive', not {mode!r}")
    return Config(
        retries={"mode": mode, "total_max_attempts": int(config.env_float(MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS))},
        connect_timeout=config.env_float(CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT),
        read_timeout=config.env_float(READ_TIMEOUT, DEFAULT_READ_TIMEOUT),
    )


def best_effort_config() -> Any:
    """botocore's Config for best-effort writes: one attempt, short timeouts."""
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=BEST_EFFORT_CONNECT_TIMEOUT,
        read_timeout=BEST_EFFORT_READ_TIMEOUT,
    )


def build_client(**overrides: Any) -> Any:
    """A low-level DynamoDB client (region, credentials and endpoint from the environment, as boto3 reads them)."""
    settings = overrides.pop("config", None) or client_config()
    return new_client("dynamodb", config=settings, **overrides)


@contextmanager
def translated_errors(operation: str) -> Iterator[None]:
    """Turn what botocore raises once its retries are spent into the runtime's own errors.

    Codes this module does not know (a ValidationException, say: a bug here) propagate unchanged.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        code = error_code(exc)
        if code in _UNAVAILABLE_CODES:
            logger.warning("DynamoDB is unavailable", extra={"operation": operation, "error_code": code})
            raise ServiceUnavailableError("the custom data store is unavailable; try again later") from exc
        if code in _ACCESS_DENIED_CODES:
            logger.error("DynamoDB refused the function's role", extra={"operation": operation, "error_code": code})
            raise StorageAccessDeniedError(f"this function is not allowed to {operation} (see its policies)") from exc
        raise
    except BotoCoreError as exc:  # connection refused, dropped or timed out, after retries
        logger.warning("DynamoDB could not be reached", extra={"operation": operation, "error": type(exc).__name__})
        raise ServiceUnavailableError("the custom data store is unavailable; try again later") from exc
