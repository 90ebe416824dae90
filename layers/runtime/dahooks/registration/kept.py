"""Registrations the Cognito trigger could not enqueue, kept in the table until the queue takes them.

A sign-up must never fail because SQS is unreachable, and its registration must not be lost
either: the trigger writes it, as the message it would have sent, to a partition of its own in
the project's table (`pk = kept#post-user-registration`, `sk` = the registration id; the trigger
may write no other partition, and may not read it), and a scheduled invocation of the worker moves
every kept registration to the queue, deleting each once SQS has it. A registration moved twice (the delete
failed) still runs once: its id is the idempotency key. A kept item expires, like a message, after
RegistrationRetentionSeconds.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..logs import logger
from . import settings
from .calls import ATTEMPTS, CALL_SECONDS, attempts, short_call_config

if TYPE_CHECKING:
    from collections.abc import Callable

    from .model import Registration
    from .queue import RegistrationQueue

PARTITION = "kept#post-user-registration"
PAGE_SIZE = 25
# The longest one move takes: the send (its attempts) and the delete.
MOVE_SECONDS = (ATTEMPTS + 1) * CALL_SECONDS


class KeepFailedError(RuntimeError):
    """The registration could not be written to the table either (its content is never in the message)."""


class KeptRegistrations:
    """The partition of kept registrations in the table named by `TABLE_NAME`."""

    def __init__(self, table_name: str | None = None, client: Any = None) -> None:
        self._table_name = table_name
        self._client = client

    @property
    def table_name(self) -> str:
        if self._table_name is None:
            self._table_name = settings.required(settings.TABLE_NAME)
        return self._table_name

    @property
    def client(self) -> Any:
        if self._client is None:
            from ..storage.dynamodb import build_client

            self._client = build_client(config=short_call_config())
        return self._client

    def keep(self, registration: Registration, *, deadline: float | None = None) -> None:
        """Write `registration` for a later drain; raises `KeepFailedError`."""
        from botocore.exceptions import BotoCoreError, ClientError

        now = int(time.time())
        item = {
            "pk": {"S": PARTITION},
            "sk": {"S": registration.id},
            "message": {"S": registration.to_message()},
            "source": {"S": registration.source},
            "kept_at": {"N": str(now)},
            "expires_at": {"N": str(now + settings.retention_seconds())},
        }
        reason = ""
        for _ in attempts(deadline):
            try:
                self.client.put_item(TableName=self.table_name, Item=item)
            except (BotoCoreError, ClientError) as exc:
                reason = type(exc).__name__
                continue
            return
        raise KeepFailedError(f"the registration could not be kept ({reason})")

    def drain(self, queue: RegistrationQueue, seconds_left: Callable[[], float]) -> int:
        """Move kept registrations to `queue` while `seconds_left()` allows one more move; returns how many moved.

        Stops at the first registration the queue does not take: it stays kept for the next drain.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        from ..exceptions import ServiceUnavailableError

        moved = 0
        while seconds_left() - MOVE_SECONDS > 0:
            page = self.client.query(
                TableName=self.table_name,
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": {"S": PARTITION}},
                ConsistentRead=True,
                Limit=PAGE_SIZE,
            )
            items = page.get("Items", [])
            if not items:
                break
            for item in items:
                if seconds_left() - MOVE_SECONDS <= 0:
                    return moved
                try:
                    queue.send_body(item["message"]["S"])
                except ServiceUnavailableError:
                    logger.warning("kept registrations wait for the next drain: the queue is unavailable")
                    return moved
                try:
                    self.client.delete_item(TableName=self.table_name, Key={"pk": item["pk"], "sk": item["sk"]})
                except (BotoCoreError, ClientError) as exc:
                    # Sent but still kept: the next drain sends it again, and its id runs it once.
                    logger.warning("a moved registration is still kept", extra={"reason": type(exc).__name__})
                    return moved
                moved += 1
                logger.info(
                    "kept registration moved to the queue",
                    extra={"registration": item["sk"]["S"], "source": item["source"]["S"]},
                )
        return moved
