"""Every error the runtime raises, each with the HTTP status and code it becomes at the edge."""

from __future__ import annotations


class DahooksError(Exception):
    """Base of the errors a caller may see; `status` and `code` are what the handler answers."""

    status = 500
    code = "InternalError"


class HookError(DahooksError):
    """The hook refused the request; its message is shown to the caller as is."""

    status = 400
    code = "HookError"


class InvalidRequestError(DahooksError):
    """The request body is not what the route accepts; `field` names the offending part."""

    status = 400
    code = "InvalidRequest"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem


class PayloadTooLargeError(DahooksError):
    """The request body is over the 1 MiB the runtime accepts."""

    status = 413
    code = "PayloadTooLarge"


class HookFailedError(DahooksError):
    """The hook crashed or returned a result of the wrong shape; details stay in the logs."""

    status = 500
    code = "HookFailed"


class HookTimeoutError(DahooksError):
    """The hook did not finish before its deadline."""

    status = 504
    code = "HookTimeout"


class ServiceUnavailableError(DahooksError):
    """DynamoDB or another dependency could not be reached, even after retries."""

    status = 503
    code = "ServiceUnavailable"


class CustomDataTooLargeError(DahooksError):
    """The custom data is over its limit (409,600 bytes of compact UTF-8 JSON); nothing was written."""

    status = 413
    code = "CustomDataTooLarge"


class VersionConflictError(DahooksError):
    """The custom data changed since the version the writer expected; nothing was written."""

    status = 412
    code = "VersionConflict"


class CacheValueTooLargeError(HookFailedError):
    """A hook tried to cache a value over the cache's limit: a bug in the hook, so a 500 `HookFailed`."""


class StorageAccessDeniedError(HookFailedError):
    """The function's role may not do this on the table (template.yaml grants each function only what it uses)."""


class NotFoundError(DahooksError):
    """The user (or another thing the request names) does not exist."""

    status = 404
    code = "NotFound"


class ForbiddenError(DahooksError):
    """The caller may not do this: a user's token on a machine's route, or a role without the permission named."""

    status = 403
    code = "Forbidden"


class InvalidSearchError(DahooksError):
    """A search the server cannot parse or will not run; nothing was listed."""

    status = 400
    code = "InvalidSearch"


class NotSupportedError(DahooksError):
    """The user directory cannot do this action; the message says why and what to do instead."""

    status = 400
    code = "NotSupported"


class ConflictError(DahooksError):
    """The change collides with an existing user (the username or e-mail is taken)."""

    status = 409
    code = "Conflict"


class UnauthorizedError(DahooksError):
    """The token was accepted at the gateway but names no dashboard user who may act now (deleted, blocked,
    a machine or an ID token)."""

    status = 401
    code = "Unauthorized"
