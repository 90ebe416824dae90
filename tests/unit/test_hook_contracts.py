"""`make typecheck` holds every functions/*/hook.py to its hook type's contract (tools/hook_contracts.py).

mypy runs in process here, on a functions folder made for the test: a hook that breaks its contract
is named with the contract it breaks, one that keeps it passes, and a hook.py no hook type owns is
refused. The real functions/ are checked by `make typecheck` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import dahooks.contract
from dahooks.hook_types import HOOK_TYPES, POST_USER_REGISTRATION_FOLDER
from tools.hook_contracts import FUNCTIONS, check_functions, contracts

if TYPE_CHECKING:
    from pathlib import Path

RETURNS_A_NUMBER = """
from dahooks import Context


def hook(ctx: Context) -> int:
    return 1
"""
CALLS_BACK_WITH_A_USER = """
from dahooks import Callback, Context, WriteResult


def hook(ctx: Context, callback: Callback[WriteResult]) -> None:
    callback(None, dict(ctx.payload))
"""
UNANNOTATED = """
def hook(ctx):
    return None
"""


def functions_folder(root: Path, hooks: dict[str, str]) -> Path:
    for folder, source in hooks.items():
        (root / folder).mkdir()
        (root / folder / "hook.py").write_text(source, encoding="utf-8")
    return root


def test_a_hook_that_breaks_its_contract_fails_and_one_that_keeps_it_passes(tmp_path):
    functions = functions_folder(tmp_path, {"filter": RETURNS_A_NUMBER, "write": CALLS_BACK_WITH_A_USER})

    problems = check_functions(functions)

    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{functions / 'filter' / 'hook.py'}: does not keep the FilterHook contract: ")
    assert '"Callable[[Context], int]"' in problems[0]


def test_an_unannotated_hook_fails_rather_than_fitting_any_contract(tmp_path):
    functions = functions_folder(tmp_path, {"settings": UNANNOTATED})

    problems = check_functions(functions)

    assert len(problems) == 1, problems
    assert "missing a type annotation" in problems[0]


def test_a_hook_in_a_folder_no_hook_type_owns_is_refused(tmp_path):
    functions = functions_folder(tmp_path, {"filters": RETURNS_A_NUMBER})

    assert check_functions(functions) == [
        f"{functions / 'filters' / 'hook.py'}: no hook type has its function in filters/ (see dahooks.hook_types)"
    ]


def test_every_hook_type_has_its_contract_and_its_function():
    for folder, contract in contracts().items():
        assert hasattr(dahooks.contract, contract), contract
        assert (FUNCTIONS / folder).is_dir(), folder
    assert set(contracts()) == {hook_type.folder for hook_type in HOOK_TYPES.values()} | {POST_USER_REGISTRATION_FOLDER}
