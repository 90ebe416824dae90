"""The user directory behind the users API: a narrow port (`Directory`) and its Cognito adapter.

`port` says what the routes may ask of a directory; `mapping` how Auth0-shaped users, their
metadata and their departments sit in a Cognito user pool; `cognito` is the adapter (boto3 is
imported only when it first calls Cognito).
"""

from .cognito import CognitoDirectory, CognitoSettings
from .mapping import DirectoryMapping
from .port import Device, Directory, Payload, User, UserPage

__all__ = [
    "CognitoDirectory",
    "CognitoSettings",
    "Device",
    "Directory",
    "DirectoryMapping",
    "Payload",
    "User",
    "UserPage",
]
