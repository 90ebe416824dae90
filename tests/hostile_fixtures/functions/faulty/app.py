"""The faulty settings hook as a function: the shared layer's handler around hook.py."""

from pathlib import Path

from dahooks import HookFunction

handler = HookFunction("settings", Path(__file__).with_name("hook.py"))
