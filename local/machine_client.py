"""The local issuer's machine client: what a client-credentials token says about its client, and the
development client whose secret `make run` keeps under `.local/` for `POST /oauth/token`.

The hook routes take machine tokens only (see dahooks.callers). Locally they are minted as Auth0
mints them: `sub` is `<client id>@clients`, `azp` the client id, `gty` "client-credentials". The
development client's id is fixed (`local-developer`: `make token`, `.local/dev-token` and the
tests' tokens are its tokens); its secret is random, created on first use, readable by its owner only.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

CLIENT_CREDENTIALS = "client-credentials"
DEVELOPER_CLIENT_ID = "local-developer"
CLIENT_FILE = "machine-client.json"


def machine_claims(client_id: str = DEVELOPER_CLIENT_ID) -> dict[str, str]:
    """What Auth0 puts in a client-credentials token about its client."""
    return {"sub": f"{client_id}@clients", "azp": client_id, "gty": CLIENT_CREDENTIALS}


@dataclass(frozen=True)
class MachineClient:
    """A client of the local token endpoint: its id and secret."""

    client_id: str
    client_secret: str

    def claims(self) -> dict[str, str]:
        return machine_claims(self.client_id)

    def authenticates(self, client_id: str, client_secret: str) -> bool:
        """True for this client's id and secret (compared in constant time)."""
        same_id = hmac.compare_digest(client_id.encode(), self.client_id.encode())
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode()) and same_id


def development_client(state_dir: Path) -> MachineClient:
    """The development client of `state_dir`, created (with a new secret) when missing."""
    path = state_dir / CLIENT_FILE
    if not path.exists():
        document = {"client_id": DEVELOPER_CLIENT_ID, "client_secret": secrets.token_urlsafe(32)}
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}")
        temporary.touch(mode=0o600)
        temporary.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        try:
            os.link(temporary, path)  # fails if another process created it first: then theirs is used
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    document = json.loads(path.read_text(encoding="utf-8"))
    return MachineClient(str(document["client_id"]), str(document["client_secret"]))
