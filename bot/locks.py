"""Rasa's Redis lock store, made safe for several Rasa instances.

Rasa 3.6's RedisLockStore updates a conversation's ticket lock with get, modify, set. When
two instances receive messages of one conversation at the same moment, both can read the
same lock and issue the same ticket number: both turns then run at once and one of them is
lost from the tracker (tests/test_topology.py caught it). Here every such update runs under a
short Redis mutex of that conversation, so tickets are issued, released and deleted one at a
time across all instances. Waiting for a ticket is unchanged (Rasa polls the lock).

endpoints.production.yml: `type: bot.locks.AtomicRedisLockStore` with the keys of Rasa's
`type: redis` lock store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# The mutex guards a few Redis round trips; it expires by itself if its holder dies.
MUTEX_TIMEOUT_SECONDS = 5
MUTEX_POLL_SECONDS = 0.002


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket bookkeeping is atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds a custom lock store from its endpoint configuration only.
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    @contextmanager
    def _mutex(self, conversation_id: str) -> Iterator[None]:
        with self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_TIMEOUT_SECONDS,
            sleep=MUTEX_POLL_SECONDS, blocking_timeout=MUTEX_TIMEOUT_SECONDS,
        ):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Releasing the ticket and deleting an unused lock are one step: a ticket issued in
        # between by another instance must not be deleted with the lock.
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
