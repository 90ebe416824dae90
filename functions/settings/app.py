"""POST /hooks/settings: the dashboard settings for the caller.

Wiring only: the hook itself is in hook.py, the runtime in the shared layer (dahooks).
"""

from pathlib import Path

from dahooks import HookFunction
from dahooks.hook_types import SETTINGS

handler = HookFunction(SETTINGS, Path(__file__).with_name("hook.py"))
