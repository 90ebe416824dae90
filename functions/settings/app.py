"""POST /hooks/settings: the dashboard settings for the caller.

Wiring only: the hook itself is in hook.py, the runtime in the shared layer (dahooks).
"""

from pathlib import Path

from dahooks import HookFunction

handler = HookFunction("settings", Path(__file__).with_name("hook.py"))
