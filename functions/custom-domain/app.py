"""POST /hooks/custom-domain: the custom domain emails should use.

Wiring only: the hook itself is in hook.py, the runtime in the shared layer (dahooks).
"""

from pathlib import Path

from dahooks import HookFunction

handler = HookFunction("custom-domain", Path(__file__).with_name("hook.py"))
