"""POST /hooks/custom-domain: the custom domain emails should use.

Wiring only: the hook itself is in hook.py, the runtime in the shared layer (dahooks).
"""

from pathlib import Path

from dahooks import HookFunction
from dahooks.hook_types import CUSTOM_DOMAIN

handler = HookFunction(CUSTOM_DOMAIN, Path(__file__).with_name("hook.py"))
