"""Cognito's refusals as the runtime's own errors, once botocore's retries are spent.

Throttling (`TooManyRequestsException`, `LimitExceededException`) is retried by botocore itself,
with back-off (see `cognito.client_config`); what still fails, like Cognito's own outages and a
connection that cannot be made, becomes 503 `ServiceUnavailable`. Codes this module does not know
(an `AccessDeniedException`: the function's role lacks a permission) propagate unchanged: they
are deployment bugs, answered 500 and logged in full by the handler.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..aws_errors import error_code, error_message
from ..exceptions import ConflictError, InvalidRequestError, NotFoundError, ServiceUnavailableError
from ..logs import logger

if TYPE_CHECKING:
    from collections.abc import Iterator

UNAVAILABLE_CODES = frozenset(
    {
        "TooManyRequestsException",
        "LimitExceededException",
        "InternalErrorException",
        "ServiceUnavailable",
        "ThrottlingException",
    }
)
USER_NOT_FOUND = "UserNotFoundException"
CONFLICTS = {
    "UsernameExistsException": "The user already exists.",
    "AliasExistsException": "Another user already has this e-mail address or phone number.",
}
UNAVAILABLE_MESSAGE = "The user directory is busy or unavailable; try again in a moment."
_PARAMETER = re.compile(r"parameter ([A-Za-z0-9_.\[\]]+)")


@contextmanager
def translated_errors(operation: str) -> Iterator[None]:
    """Raise the runtime's error for what a Cognito call inside the block raised."""
    from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

    try:
        yield
    except ClientError as exc:
        code = error_code(exc)
        if code in UNAVAILABLE_CODES:
            logger.warning("Cognito is unavailable", extra={"operation": operation, "error_code": code})
            raise ServiceUnavailableError(UNAVAILABLE_MESSAGE) from exc
        if code == USER_NOT_FOUND:
            raise NotFoundError("The user does not exist.") from exc
        if code in CONFLICTS:
            raise ConflictError(CONFLICTS[code]) from exc
        if code == "InvalidPasswordException":
            raise InvalidRequestError("password", error_message(exc) or "does not meet the password policy") from exc
        if code == "InvalidParameterException":
            raise InvalidRequestError("", error_message(exc) or "the directory refused the request") from exc
        raise
    except ParamValidationError as exc:  # botocore's own checks (a value empty or too long); its text may echo values
        parameter = _PARAMETER.search(str(exc))
        field = parameter.group(1) if parameter else ""
        raise InvalidRequestError(field, "is empty, too long or of the wrong type for the directory") from exc
    except BotoCoreError as exc:  # connection refused, dropped or timed out, after retries
        logger.warning("Cognito could not be reached", extra={"operation": operation, "error": type(exc).__name__})
        raise ServiceUnavailableError(UNAVAILABLE_MESSAGE) from exc
