"""POST /hooks/memberships: the departments the caller may assign.

Wiring only: the hook itself is in hook.py, the runtime in the shared layer (dahooks).
"""

from pathlib import Path

from dahooks import HookFunction
from dahooks.hook_types import MEMBERSHIPS

handler = HookFunction(MEMBERSHIPS, Path(__file__).with_name("hook.py"))
