"""Post User Registration: accepted at once, run later on a queue, never lost, never twice (§5)."""

from .intake import RegistrationIntake
from .model import Registration
from .secrets import Secrets
from .sources import from_auth0_log_event, from_cognito_trigger, from_message
from .worker import RegistrationWorker

__all__ = [
    "Registration",
    "RegistrationIntake",
    "RegistrationWorker",
    "Secrets",
    "from_auth0_log_event",
    "from_cognito_trigger",
    "from_message",
]
