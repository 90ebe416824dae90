"""`make typecheck` for the functions: each one's modules, and its hook.py held to its hook type's contract.

Hooks are loaded by path at run time, so no module imports a hook.py for mypy to follow. For each
function that has one, this writes a module that assigns its `hook` to the Protocol of its hook type
and has mypy check it together with the function's own modules:

    from dahooks.contract import AccessHook
    from hook import hook

    contract: AccessHook = hook

A hook whose parameters or result do not fit its hook type then fails here. Hooks must annotate
their functions (an unannotated one would fit any contract). Every function is checked on its own:
each has modules named `app` and `hook`.

    python -m tools.hook_contracts [FUNCTIONS_FOLDER]
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from mypy import api

from dahooks.hook_types import (
    HOOK_FILE,
    HOOK_TYPES,
    POST_USER_REGISTRATION,
    POST_USER_REGISTRATION_FOLDER,
    contract_name,
)

REPOSITORY = Path(__file__).resolve().parent.parent
FUNCTIONS = REPOSITORY / "functions"
CHECK_MODULE = "hook_contract.py"


def contracts() -> dict[str, str]:
    """The function folders that hold a hook, each with the name of the contract its hook.py keeps."""
    folders = {hook_type.folder: hook_type.contract for hook_type in HOOK_TYPES.values()}
    folders[POST_USER_REGISTRATION_FOLDER] = contract_name(POST_USER_REGISTRATION)
    return folders


def check_module(contract: str) -> str:
    """The source of the module that has mypy hold `hook` to `contract`."""
    return (
        f'"""Written by tools/hook_contracts.py: hook.py keeps the {contract} contract."""\n\n'
        f"from dahooks.contract import {contract}\n"
        "from hook import hook\n\n"
        f"contract: {contract} = hook\n"
    )


def check_function(folder: Path, scratch: Path) -> list[str]:
    """mypy's complaints about the function in `folder` (none: it passes)."""
    modules = sorted(str(path) for path in folder.glob("*.py"))
    hook = folder / HOOK_FILE
    check = scratch / folder.name / CHECK_MODULE
    contract = contracts().get(folder.name)
    if hook.is_file():
        if contract is None:
            return [f"{hook}: no hook type has its function in {folder.name}/ (see dahooks.hook_types)"]
        check.parent.mkdir()
        check.write_text(check_module(contract), encoding="utf-8")
        modules.append(str(check))
    if not modules:
        return []
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(REPOSITORY / "pyproject.toml"),
            "--no-error-summary",
            *modules,
        ]
    )
    # The check module is gone once this returns: its complaints name the hook.py and the contract.
    where = re.compile(rf"^{re.escape(str(check))}:\d+: ")
    return (
        [
            where.sub(f"{hook}: does not keep the {contract} contract: ", line)
            for line in (stdout + stderr).splitlines()
            if line
        ]
        if status
        else []
    )


def check_functions(functions: Path = FUNCTIONS) -> list[str]:
    """mypy's complaints about every function under `functions`, one function at a time."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hook-contracts-") as scratch:
        for folder in sorted(path for path in functions.iterdir() if path.is_dir()):
            problems += check_function(folder, Path(scratch))
    return problems


def main(arguments: list[str]) -> int:
    problems = check_functions(Path(arguments[0]) if arguments else FUNCTIONS)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
