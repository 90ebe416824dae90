"""POST /hooks/filter: the Lucene query that limits which users the caller may list.

Wiring only: the hook itself is in hook.py, the runtime in the shared layer (dahooks).
"""

from pathlib import Path

from dahooks import HookFunction
from dahooks.hook_types import FILTER

handler = HookFunction(FILTER, Path(__file__).with_name("hook.py"))
