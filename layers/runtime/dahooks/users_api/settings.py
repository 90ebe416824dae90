"""The users API's configuration: the environment variables template.yaml sets, named and read once.

| variable | meaning | default |
|---|---|---|
| USER_POOL_ID | the Cognito user pool the API manages | (required) |
| CURSOR_KEY_SECRET | the Secrets Manager secret whose value signs listing cursors | (required) |
| ACTING_USER_CACHE_SECONDS | the longest a container trusts a caller's directory record | 60 |
| AUDIT_RETENTION_DAYS | how long audit records are kept; 0 keeps them forever | 365 |
| ACCESS_HOOK_THREADS | threads that run the access hook over a listed page | 4 |
| DIRECTORY_APP_METADATA | `key=attribute,...`: app_metadata keys, their attributes | department=custom:department |
| DIRECTORY_USER_METADATA | the same for user_metadata | (none) |
| DIRECTORY_DEPARTMENT_GROUP_PREFIX | the prefix of the groups that index departments | department: |
| COGNITO_MAX_ATTEMPTS | attempts per Cognito call (throttling is retried with back-off) | 3 |
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import config
from ..directory import CognitoSettings, DirectoryMapping

USER_POOL_ID = "USER_POOL_ID"
CURSOR_KEY_SECRET = "CURSOR_KEY_SECRET"  # noqa: S105 - a variable name, not a secret
ACTING_USER_CACHE = "ACTING_USER_CACHE_SECONDS"
AUDIT_RETENTION = "AUDIT_RETENTION_DAYS"
ACCESS_HOOK_THREADS = "ACCESS_HOOK_THREADS"
APP_METADATA = "DIRECTORY_APP_METADATA"
USER_METADATA = "DIRECTORY_USER_METADATA"
DEPARTMENT_GROUP_PREFIX = "DIRECTORY_DEPARTMENT_GROUP_PREFIX"
COGNITO_MAX_ATTEMPTS = "COGNITO_MAX_ATTEMPTS"

# A caller's record says which department they manage and whether they may still act. Within a
# container it is trusted for at most this long, and never past their token's expiry: a change this
# API makes to a user is seen at once in the container that made it (the entry is dropped), and a
# change made elsewhere (another container, the Cognito console) within a minute. One AdminGetUser
# per caller per container per minute is far below Cognito's quota for user reads.
DEFAULT_ACTING_USER_CACHE_SECONDS = 60.0
DEFAULT_AUDIT_RETENTION_DAYS = 365
DEFAULT_ACCESS_HOOK_THREADS = 4
DEFAULT_APP_METADATA = "department=custom:department"
DEFAULT_DEPARTMENT_GROUP_PREFIX = "department:"


def attribute_pairs(name: str, text: str) -> dict[str, str]:
    """`a=custom:a,b=custom:b` as {"a": "custom:a", "b": "custom:b"}; a malformed pair fails naming `name`."""
    pairs: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, attribute = (piece.strip() for piece in item.partition("="))
        if not sep or not key or not attribute:
            raise ValueError(f"environment variable {name} must be key=attribute pairs, not {item!r}")
        pairs[key] = attribute
    return pairs


@dataclass(frozen=True)
class UsersApiSettings:
    user_pool_id: str
    cursor_key_secret: str
    acting_user_cache_s: float = DEFAULT_ACTING_USER_CACHE_SECONDS
    audit_retention_days: int = DEFAULT_AUDIT_RETENTION_DAYS
    access_hook_threads: int = DEFAULT_ACCESS_HOOK_THREADS
    mapping: DirectoryMapping = field(default_factory=DirectoryMapping)
    cognito_max_attempts: int = 3

    def cognito(self) -> CognitoSettings:
        return CognitoSettings(self.user_pool_id, mapping=self.mapping, max_attempts=self.cognito_max_attempts)


def from_environment() -> UsersApiSettings:
    """The settings template.yaml passes in; a missing pool or key secret is a deployment mistake."""
    mapping = DirectoryMapping(
        app_metadata_attributes=attribute_pairs(APP_METADATA, config.env_str(APP_METADATA, DEFAULT_APP_METADATA)),
        user_metadata_attributes=attribute_pairs(USER_METADATA, config.env_str(USER_METADATA)),
        department_group_prefix=config.env_str(DEPARTMENT_GROUP_PREFIX, DEFAULT_DEPARTMENT_GROUP_PREFIX),
    )
    return UsersApiSettings(
        user_pool_id=config.env_required(USER_POOL_ID),
        cursor_key_secret=config.env_required(CURSOR_KEY_SECRET),
        acting_user_cache_s=config.env_float(ACTING_USER_CACHE, DEFAULT_ACTING_USER_CACHE_SECONDS),
        audit_retention_days=int(config.env_float(AUDIT_RETENTION, DEFAULT_AUDIT_RETENTION_DAYS)),
        access_hook_threads=max(1, int(config.env_float(ACCESS_HOOK_THREADS, DEFAULT_ACCESS_HOOK_THREADS))),
        mapping=mapping,
        cognito_max_attempts=max(1, int(config.env_float(COGNITO_MAX_ATTEMPTS, 3))),
    )
