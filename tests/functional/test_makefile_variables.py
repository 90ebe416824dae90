"""What a developer types as a Makefile variable reaches the program exactly as typed, and runs nothing.

Each hostile value holds quotes, `$(...)` (for the shell and for make), backticks and `;`, each of
which would create a canary file if anything executed it. `make -n` shows the command each target
would run: parsed as the shell would parse it, its arguments are the values as given. `make token`
is run for real: the token carries the hostile claims and scopes, and no canary exists.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from typing import TYPE_CHECKING

import jwt
import pytest

from local.paths import ROOT

if TYPE_CHECKING:
    from pathlib import Path


def hostile(canary: Path) -> str:
    return f'O\'Brien "q" $(touch {canary}1) $(shell touch {canary}2) `touch {canary}3`; touch {canary}4 \\ $$x'


def make(*arguments: str, dry_run: bool = True) -> str:
    command = ["make", "--no-print-directory", "-s", "-C", str(ROOT), *(["-n"] if dry_run else []), *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout  # noqa: S603


def commands(output: str) -> list[list[str]]:
    """Each command line `make -n` printed, split into words as bash would."""
    joined = output.replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines() if line.strip()]


def no_canary(canary: Path) -> bool:
    return not list(canary.parent.glob(f"{canary.name}*"))


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    return tmp_path / "canary"


@pytest.mark.parametrize(
    ("target", "variables", "program", "expected"),
    [
        (
            "token",
            ("SCOPES", "CLAIMS"),
            "local.dev_token",
            ["--scopes", "{SCOPES}", "--claims", "{CLAIMS}", "--user", ""],
        ),
        ("token", ("USER",), "local.dev_token", ["--scopes", "{SCOPES}", "--claims", "", "--user", "{USER}"]),
        ("invoke", ("FUNCTION", "EVENT"), "local.invoke", ["{FUNCTION}", "{EVENT}"]),
        ("logs", ("FUNCTION",), "local.function_logs", ["{FUNCTION}"]),
        ("bench", ("ONLY",), "bench", ["{ONLY}"]),
    ],
)
def test_a_hostile_value_reaches_the_program_as_one_intact_argument(canary, target, variables, program, expected):
    values = {name: f"{name}:{hostile(canary)}" for name in variables}

    output = make(target, *(f"{name}={value}" for name, value in values.items()))

    (command,) = [words for words in commands(output) if program in words]
    defaults = {"SCOPES": "hooks:invoke custom-data:read custom-data:write"}
    assert command[command.index(program) + 1 :] == [word.format(**{**defaults, **values}) for word in expected]
    assert no_canary(canary)


def test_invoke_passes_its_flags_and_a_hostile_env_vars_file_intact(canary):
    env_vars = f"env {hostile(canary)}.json"

    output = make("invoke", "FUNCTION=AccessFunction", "EVENT=events/x.json", "AWS=1", f"ENV_VARS={env_vars}")

    (command,) = [words for words in commands(output) if "local.invoke" in words]
    assert command[-4:] == ["events/x.json", "--aws", "--env-vars", env_vars]
    assert no_canary(canary)


def test_run_hands_host_and_port_to_the_stack_intact(canary):
    output = make("run", f"PORT=1; {hostile(canary)}", f"HOST={hostile(canary)}")

    (command,) = [words for words in commands(output) if "local.stack" in words]
    assert f"PORT=1; {hostile(canary)}" in command
    assert f"HOST={hostile(canary)}" in command
    assert no_canary(canary)


def test_make_token_signs_the_hostile_claims_and_scopes_as_given(canary):
    claims = {"name": hostile(canary), "sub": "auth0|kelly", "gty": None}
    scopes = f"hooks:invoke {hostile(canary)}"

    token = make("token", f"SCOPES={scopes}", f"CLAIMS={json.dumps(claims)}", dry_run=False).strip()

    decoded = jwt.decode(token, options={"verify_signature": False})
    assert decoded["name"] == claims["name"]
    assert decoded["scope"] == " ".join(scopes.split())
    assert "gty" not in decoded  # null drops a claim: this is a user's token
    assert no_canary(canary)


def test_make_token_without_claims_is_a_machine_token():
    decoded = jwt.decode(make("token", dry_run=False).strip(), options={"verify_signature": False})

    assert decoded["gty"] == "client-credentials"
    assert decoded["sub"] == "local-developer@clients"
    assert decoded["scope"] == "hooks:invoke custom-data:read custom-data:write"
