"""`context["secrets"]`: the webtask secrets of the original, read from AWS Secrets Manager.

One secret, whose ARN is the `REGISTRATION_SECRET_ARN` variable (the stack's own secret, or one
given as the `RegistrationSecretArn` parameter), holding a JSON object
(`{"SLACK_HOOK": "https://hooks.slack.com/services/..."}`). Read through Powertools parameters,
which caches it in the warm container for `REGISTRATION_SECRETS_MAX_AGE_SECONDS` (300 by default):
a batch of registrations costs one Secrets Manager call, not one per registration, and a rotated
secret is picked up within minutes without a redeploy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import config
from ..aws_clients import new_client
from . import settings
from .calls import short_call_config
from .masking import secret_mask

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider


class SecretsUnavailableError(RuntimeError):
    """The secret could not be read, or is not a JSON object (its value is never in the message)."""


class Secrets:
    """The secret of the registration hook, cached; every value it holds is masked in the logs."""

    def __init__(self, name: str | None = None, provider: SecretsProvider | None = None) -> None:
        self._name = name
        self._provider = provider

    @property
    def name(self) -> str:
        """The secret's id: its ARN as the stack passes it (or a name, which Secrets Manager takes too)."""
        if self._name is None:
            self._name = config.env_str(settings.SECRET_ARN)
        return self._name

    def _secrets_provider(self) -> SecretsProvider:
        if self._provider is None:
            from aws_lambda_powertools.utilities.parameters import SecretsProvider

            # Short calls: the read counts against a registration's attempt.
            self._provider = SecretsProvider(boto3_client=new_client("secretsmanager", config=short_call_config(2)))
        return self._provider

    def get(self) -> dict[str, Any]:
        """The secret's object (a copy: a hook that edits it does not edit the cache); {} when none is set."""
        if not self.name:
            return {}
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError

        max_age = int(config.env_float(settings.SECRETS_MAX_AGE, settings.DEFAULT_SECRETS_MAX_AGE))
        try:
            value = self._secrets_provider().get(self.name, transform="json", max_age=max_age)
        except TransformParameterError:
            raise SecretsUnavailableError(f"the secret {self.name!r} is not a JSON object") from None
        except GetParameterError as exc:
            reason = type(exc.__cause__).__name__ if exc.__cause__ else "GetParameterError"
            raise SecretsUnavailableError(f"the secret {self.name!r} could not be read ({reason})") from None
        if not isinstance(value, dict):
            raise SecretsUnavailableError(f"the secret {self.name!r} is not a JSON object")
        secret_mask.remember(value)
        return dict(value)
