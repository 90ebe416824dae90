"""One registration, as it travels through the queue: the original's `user` and `context`, and an id.

Every source (the accept route, Cognito, Auth0 through EventBridge) is turned into this one shape
before the hook sees it, so a hook is written once whichever system the user signed up with.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

# The namespace of registration ids; fixed forever, or ids of retried deliveries would change.
_NAMESPACE = uuid.UUID("5b0e4bd8-5b3c-4c43-9d53-4a6f0b2a3c11")


def registration_id(tenant: str | None, user_id: str | None) -> str:
    """The id of a registration: the same user of the same tenant always gets the same id.

    That id is the idempotency key, so a registration that reaches us twice (a client retrying its
    POST, SQS delivering a message again) runs the hook's effect once. A user without an id (the
    original's Runner sample has none) gets a random id: one POST, one run.
    """
    if not user_id:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_NAMESPACE, f"{tenant or ''}|{user_id}"))


@dataclass(frozen=True)
class Registration:
    """A new user (`user`), where they signed up (`context`), and which source told us."""

    id: str
    source: str
    user: dict[str, Any]
    context: dict[str, Any]

    def to_message(self) -> str:
        """The SQS message body."""
        body = {"id": self.id, "source": self.source, "user": self.user, "context": self.context}
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False)

    def as_dict(self) -> dict[str, Any]:
        """What the idempotency layer hashes (by `id`) and what a test can compare."""
        return {"id": self.id, "source": self.source, "user": self.user, "context": self.context}
