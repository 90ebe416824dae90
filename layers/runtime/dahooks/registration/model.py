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


@dataclass(frozen=True)
class Origin:
    """Who reported a registration: the source, the principal that may speak for it, the connection.

    `principal` is never taken from the payload: for the accept route it is the verified token's
    subject (the calling machine client), for Cognito the user pool that invoked the trigger, for
    Auth0 the EventBridge partner event source.
    """

    source: str
    principal: str
    connection: str


def registration_id(origin: Origin, tenant: str | None, user_id: str | None) -> str:
    """The id of a registration: the same user, reported by the same principal of the same source
    over the same connection, always gets the same id.

    That id is the idempotency key, so a registration that reaches us twice (a client retrying its
    POST, SQS delivering a message again, Cognito retrying its trigger) runs the hook's effect once.
    Binding it to the origin means one caller cannot pre-claim (and so suppress) the id of a
    registration another source, caller or connection reports. A user without an id (the original's
    Runner sample has none), or a caller without a verified identity, gets a random id: one report,
    one run.
    """
    if not user_id or not origin.principal:
        return str(uuid.uuid4())
    # JSON, not a joined string: no choice of field values can make two different tuples one name.
    name = json.dumps([origin.source, origin.principal, origin.connection, tenant or "", user_id])
    return str(uuid.uuid5(_NAMESPACE, name))


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
