"""The delegated users API: the original extension's `/api` routes, enforcing its hooks, over a user directory."""

from .app import UsersApi

__all__ = ["UsersApi"]
