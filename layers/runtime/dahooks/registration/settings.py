"""The environment variables the registration functions read (set by template.yaml), named once.

Each default is the default of the template parameter that sets the variable (a unit test holds
them equal), so a function run without the template behaves as the deployed one.
"""

from __future__ import annotations

from .. import config

QUEUE_URL = "REGISTRATION_QUEUE_URL"
DEAD_LETTER_QUEUE_URL = "REGISTRATION_DEAD_LETTER_QUEUE_URL"
SECRET_ARN = "REGISTRATION_SECRET_ARN"  # noqa: S105 - a variable name, not a secret
SECRETS_MAX_AGE = "REGISTRATION_SECRETS_MAX_AGE_SECONDS"
RETRY_BASE = "REGISTRATION_RETRY_BASE_SECONDS"
RETRY_MAX = "REGISTRATION_RETRY_MAX_SECONDS"
MAX_RECEIVE_COUNT = "REGISTRATION_MAX_RECEIVE_COUNT"
RETENTION = "REGISTRATION_RETENTION_SECONDS"
BATCH_SIZE = "REGISTRATION_BATCH_SIZE"
ATTEMPT_SECONDS = "REGISTRATION_ATTEMPT_SECONDS"
WORKER_TIMEOUT = "REGISTRATION_WORKER_TIMEOUT_SECONDS"
DELIVERY_INTERVAL = "REGISTRATION_DELIVERY_INTERVAL_SECONDS"
TABLE_NAME = config.TABLE_NAME

# A message can come back for as long as the queue keeps it, so the record that it already ran must
# live at least as long: RegistrationRetentionSeconds sets the queue's retention, the idempotency
# records' expiry and a kept registration's.
DEFAULT_RETENTION_SECONDS = 4 * 24 * 3600
DEFAULT_SECRETS_MAX_AGE = 300
# The retry schedule (see schedule.py for what it guarantees).
DEFAULT_RETRY_BASE = 60.0
DEFAULT_RETRY_MAX = 3600.0
DEFAULT_MAX_RECEIVE_COUNT = 16
# The worker's shape: a batch of BATCH_SIZE records, each given ATTEMPT_SECONDS, one started at most
# every DELIVERY_INTERVAL seconds per concurrent worker, inside WORKER_TIMEOUT.
DEFAULT_BATCH_SIZE = 5
DEFAULT_ATTEMPT_SECONDS = 10.0
DEFAULT_WORKER_TIMEOUT = 60.0
DEFAULT_DELIVERY_INTERVAL = 2.0


def required(name: str) -> str:
    """The variable's value; a missing one is a deployment mistake, named in the error."""
    value = config.env_str(name)
    if not value:
        raise RuntimeError(f"environment variable {name} is not set")
    return value


def retention_seconds() -> int:
    """How long the queue keeps a registration, and so how long anything remembering it must."""
    return int(config.env_float(RETENTION, DEFAULT_RETENTION_SECONDS))
