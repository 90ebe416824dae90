"""POST /hooks/write: the user object sent to the Management API on create or update.

Wiring only: the hook itself is in hook.py, the runtime in the shared layer (dahooks).
"""

from pathlib import Path

from dahooks import HookFunction
from dahooks.hook_types import WRITE

handler = HookFunction(WRITE, Path(__file__).with_name("hook.py"))
