"""Building what the routes use, once per container: the directory, the audit log, the acting-user cache.

The Cognito directory signs its listing cursors with a key the stack creates (a Secrets Manager
secret generated at deploy time, never a key in code). The directory is built on the first
request, not at import, so the import (the init phase) makes no network call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..directory import CognitoDirectory
from ..exceptions import ServiceUnavailableError
from ..logs import logger
from ..search import CursorCodec
from .audit import AuditLog
from .caller import ActingUsers
from .exchange import Services
from .page_access import PageAccess

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..directory import Directory
    from ..storage import Storage
    from .in_process import InProcessHooks
    from .settings import UsersApiSettings


def cursor_key(secret: str) -> bytes:
    """The cursor-signing key: the secret's value, read through Powertools parameters.

    Read once per container: after a rotation, containers started since sign with the new key, and
    a cursor signed with the old one is refused (400; the listing starts again), as an expired one is.
    """
    from aws_lambda_powertools.utilities.parameters import get_secret
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    try:
        value = get_secret(secret)
    except GetParameterError as error:
        reason = type(error.__cause__).__name__ if error.__cause__ else "GetParameterError"
        logger.warning("the cursor key could not be read", extra={"secret": secret, "error": reason})
        raise ServiceUnavailableError("The users API cannot start: its cursor key is unavailable; try again.") from None
    return value.encode() if isinstance(value, str) else bytes(value)


def cognito_directory(settings: UsersApiSettings) -> Directory:
    """The Cognito adapter on the configured pool, signing its cursors with the stack's key."""
    return CognitoDirectory(settings.cognito(), CursorCodec(cursor_key(settings.cursor_key_secret)))


def build_services(
    settings: UsersApiSettings,
    hooks: InProcessHooks,
    storage: Storage,
    directory_factory: Callable[[UsersApiSettings], Directory] = cognito_directory,
) -> Services:
    directory = directory_factory(settings)
    return Services(
        directory=directory,
        hooks=hooks,
        pages=PageAccess(hooks, settings.access_hook_threads),
        audit=AuditLog(storage.client, storage.table_name, settings.audit_retention_days),
        acting_users=ActingUsers(directory.get_user, settings.acting_user_cache_s),
        storage=storage,
    )
