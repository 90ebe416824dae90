"""The environment variables the registration functions read (set by template.yaml), named once."""

from __future__ import annotations

from .. import config

QUEUE_URL = "REGISTRATION_QUEUE_URL"
SECRET_NAME = "REGISTRATION_SECRET_NAME"  # noqa: S105 - a variable name, not a secret
SECRETS_MAX_AGE = "REGISTRATION_SECRETS_MAX_AGE_SECONDS"
RETRY_BASE = "REGISTRATION_RETRY_BASE_SECONDS"
RETRY_MAX = "REGISTRATION_RETRY_MAX_SECONDS"
IDEMPOTENCY_EXPIRY = "REGISTRATION_IDEMPOTENCY_SECONDS"
TABLE_NAME = config.TABLE_NAME

# A message can come back for as long as the queue keeps it, so the record that it already ran must
# live at least as long: the default of template.yaml's RegistrationRetentionSeconds, which sets both
# the queue's retention and this variable (a unit test holds the three equal).
DEFAULT_IDEMPOTENCY_SECONDS = 4 * 24 * 3600
DEFAULT_SECRETS_MAX_AGE = 300
DEFAULT_RETRY_BASE = 10.0
DEFAULT_RETRY_MAX = 900.0


def required(name: str) -> str:
    """The variable's value; a missing one is a deployment mistake, named in the error."""
    value = config.env_str(name)
    if not value:
        raise RuntimeError(f"environment variable {name} is not set")
    return value
