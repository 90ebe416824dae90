"""The delegated users API, /api/*: the dashboard's routes, enforcing the hooks in the server that acts.

Wiring only: the routes are in the shared layer (dahooks.users_api). This function's code is the
whole functions/ folder, so the hooks it runs are the other functions' own hook.py files.
"""

from pathlib import Path

from dahooks.users_api import UsersApi

handler = UsersApi(Path(__file__).resolve().parent.parent)
