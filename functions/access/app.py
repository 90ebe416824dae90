"""POST /hooks/access: may the caller do `action` on `user`?

Wiring only: the hook itself is in hook.py, the runtime in the shared layer (dahooks).
"""

from pathlib import Path

from dahooks import HookFunction
from dahooks.hook_types import ACCESS

handler = HookFunction(ACCESS, Path(__file__).with_name("hook.py"))
