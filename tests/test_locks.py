"""The Redis lock store shared by Rasa instances (bot/server/locks.py), against the local Redis.

Its locks must stay readable by Rasa's own code (TicketLock), and each update must be atomic:
instances that ask for a ticket of one conversation at the same moment get different ones.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid

import pytest
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.server.locks import AtomicRedisLockStore
from bot.tools.topology import LOCAL_SERVICES

pytestmark = pytest.mark.services


def redis_endpoint(key_prefix: str) -> EndpointConfig:
    def setting(name: str) -> str:
        return os.environ.get(name, LOCAL_SERVICES[name])

    return EndpointConfig(
        url=setting("GUICHET_REDIS_HOST"),
        port=int(setting("GUICHET_REDIS_PORT")),
        db=int(setting("GUICHET_REDIS_DB")),
        password=setting("GUICHET_REDIS_PASSWORD") or None,
        key_prefix=key_prefix,
    )


@pytest.fixture
def endpoint():
    endpoint = redis_endpoint(f"locktest{uuid.uuid4().hex[:12]}")
    yield endpoint
    store = AtomicRedisLockStore(endpoint)
    for key in store.red.scan_iter(store.key_prefix + "*"):
        store.red.delete(key)


def ticket_numbers(store: RedisLockStore, conversation: str) -> list[int]:
    lock = store.get_lock(conversation)
    return [ticket.number for ticket in lock.tickets] if lock else []


def test_tickets_are_issued_in_order_in_rasas_own_format(endpoint):
    store = AtomicRedisLockStore(endpoint)
    conversation = "conversation/é 1"  # any sender id: slashes, accents, spaces
    assert [store.issue_ticket(conversation) for _ in range(3)] == [0, 1, 2]
    rasa = RedisLockStore(
        host=endpoint.url,
        port=endpoint.kwargs["port"],
        db=endpoint.kwargs["db"],
        password=endpoint.kwargs["password"],
        key_prefix=endpoint.kwargs["key_prefix"],
    )
    lock = rasa.get_lock(conversation)
    assert lock.conversation_id == conversation
    assert [ticket.number for ticket in lock.tickets] == [0, 1, 2]
    assert not lock.is_locked(0) and lock.is_locked(1)
    assert all(ticket.expires > time.time() + 50 for ticket in lock.tickets)


def test_releasing_serves_the_next_ticket_and_the_last_release_deletes_the_lock(endpoint):
    store = AtomicRedisLockStore(endpoint)
    for _ in range(3):
        store.issue_ticket("c")
    store.cleanup("c", 0)
    assert store.get_lock("c").now_serving == 1
    store.cleanup("c", 2)  # a ticket may be given up before its turn
    assert ticket_numbers(store, "c") == [1]
    store.cleanup("c", 1)
    assert store.red.get(store.key_prefix + "c") is None


def test_expired_tickets_are_dropped(endpoint):
    store = AtomicRedisLockStore(endpoint)
    store.issue_ticket("c", lock_lifetime=0.05)
    store.issue_ticket("c", lock_lifetime=60)
    time.sleep(0.1)
    store.update_lock("c")
    assert ticket_numbers(store, "c") == [1]
    assert store.issue_ticket("c") == 2
    store.update_lock("absent")  # updating a lock that does not exist creates nothing
    assert store.red.get(store.key_prefix + "absent") is None


def test_instances_asking_at_the_same_moment_get_distinct_tickets(endpoint):
    """Four stores with their own Redis connections, as four Rasa instances would."""
    stores = [AtomicRedisLockStore(endpoint) for _ in range(4)]
    issued: list[int] = []
    start = threading.Barrier(len(stores))

    def ask(store: AtomicRedisLockStore) -> None:
        start.wait()
        for _ in range(50):
            issued.append(store.issue_ticket("shared"))

    threads = [threading.Thread(target=ask, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(issued) == list(range(200))
    assert ticket_numbers(stores[0], "shared") == list(range(200))


def test_the_lock_serialises_the_turns_of_a_conversation(endpoint):
    first, second = AtomicRedisLockStore(endpoint), AtomicRedisLockStore(endpoint)
    order: list[str] = []

    async def turn(store: AtomicRedisLockStore, name: str) -> None:
        async with store.lock("c", wait_time_in_seconds=0.01):
            order.append(f"{name} starts")
            await asyncio.sleep(0.1)
            order.append(f"{name} ends")

    async def both() -> None:
        await asyncio.gather(turn(first, "one"), turn(second, "two"))

    asyncio.run(both())
    assert order == ["one starts", "one ends", "two starts", "two ends"]
    assert first.red.get(first.key_prefix + "c") is None
