"""Fault tests: PostgreSQL or RabbitMQ stops in the middle of a conversation with personal data,
or PostgreSQL is down when the server starts.

The assistant runs for real (`guichet run`) against servers that the tests own (tests/services.py)
and stop mid-conversation. It must keep answering with the conversation's context, write no
raw personal data anywhere, queue the redacted events locally, and deliver every one of them
once the service is back: the events that went in are counted against the events stored.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import aio_pika
import psycopg2
import pytest
import yaml

from bot.privacy import outbox
from bot.privacy.brokers import RedactingPikaEventBroker
from bot.tools.topology import production_services, rabbitmq_connection
from tests.conftest import start_assistant, stop_assistant
from tests.services import drain_queue, postgres, rabbitmq  # noqa: F401 (fixtures)
from tests.test_canary import CONVERSATION, canaries_in, files_text, rows_text, sqlite_rows

pytestmark = pytest.mark.services

BEFORE, DURING, AFTER = CONVERSATION[:2], CONVERSATION[2:4], CONVERSATION[4:]
QUEUE = "guichet_analytics"
DELIVERY_DEADLINE_SECONDS = 120


def write_endpoints(directory: Path, tracker_store: dict, event_broker: dict) -> Path:
    path = directory / "endpoints.faults.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "action_endpoint": {"url": "http://127.0.0.1:5055/webhook"},  # the launcher sets it
                "lock_store": {"type": "in_memory"},
                "tracker_store": tracker_store,
                "event_broker": event_broker,
            }
        ),
        encoding="utf-8",
    )
    return path


T = TypeVar("T")


def poll(read: Callable[[], T], done: Callable[[T], bool]) -> T:
    """Read until `done` holds, within the delivery deadline; the last value read explains
    a failure."""
    deadline = time.monotonic() + DELIVERY_DEADLINE_SECONDS
    while not done(value := read()):
        assert time.monotonic() < deadline, value
        time.sleep(0.5)
    return value


def wait_for_empty_outbox(data_dir: Path) -> None:
    """The background retry delivers the backlog without any further message."""
    poll(
        lambda: outbox.backlog(data_dir / outbox.FILE_NAME),
        lambda backlog: not any(backlog.values()),
    )


def wait_for_delivery_logged(assistant) -> None:
    """The outbox says it delivered its backlog: the line comes just after the outbox empties
    (through the redacting log filter), so a test that stops right away could miss it."""
    poll(lambda: "".join(assistant.output), lambda log: "queued events delivered" in log)


def wait_for_queued(data_dir: Path, queue_prefix: str) -> dict[str, int]:
    """The outbox's queues once one named `queue_prefix...` holds events. A RabbitMQ publish
    is confirmed (or given up and queued) in the background, up to its timeout after the
    turn that made the event."""
    return poll(
        lambda: outbox.backlog(data_dir / outbox.FILE_NAME),
        lambda backlog: any(
            key.startswith(queue_prefix) and count for key, count in backlog.items()
        ),
    )


def converse_through_an_outage(
    tmp_path: Path, tracker_store: dict, event_broker: dict, service, queue_prefix: str
) -> tuple[str, str, Path]:
    """Run the assistant on these endpoints; talk, stop `service`, talk, start it again,
    talk. Check the answers kept their context, the events were queued under `queue_prefix`
    during the outage and both warnings were logged; return sender, log and data dir."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    endpoints = write_endpoints(tmp_path, tracker_store, event_broker)
    assistant = start_assistant(data_dir, {"GUICHET_ENDPOINTS": str(endpoints)})
    sender = uuid.uuid4().hex
    try:
        replies = [assistant.say(sender, text) for text in BEFORE]
        service.stop()
        replies += [assistant.say(sender, text) for text in DURING]
        wait_for_queued(data_dir, queue_prefix)  # queued during the outage
        service.start()
        replies += [assistant.say(sender, text) for text in AFTER]
        wait_for_empty_outbox(data_dir)
        wait_for_delivery_logged(assistant)
    finally:
        stop_assistant(assistant)

    assert_answers_kept_their_context(replies)
    log = "".join(assistant.output)
    assert "unavailable" in log and "queued events delivered" in log
    return sender, log, data_dir


def assert_answers_kept_their_context(replies: list[str]) -> None:
    assert all(reply.strip() for reply in replies)
    # "combien ça coûte ?" during the outage still refers to the passport asked before it.
    assert "86 €" in replies[CONVERSATION.index(DURING[1])]


def assert_stored_once_in_order(events: list[dict]) -> None:
    """Every user message once, in the order sent, and no event stored twice."""
    user_texts = [event["text"] for event in events if event["event"] == "user"]
    assert len(user_texts) == len(CONVERSATION)
    assert "<FR_NIR_1>" in user_texts[CONVERSATION.index(DURING[0])]  # the outage turn, redacted
    assert len({json.dumps(event, sort_keys=True) for event in events}) == len(events)
    stamps = [event["timestamp"] for event in events]
    assert stamps == sorted(stamps)


def same_events(analytics: list[dict], events: list[dict]) -> bool:
    return sorted((a["event"], a["timestamp"]) for a in analytics) == sorted(
        (e["event"], e["timestamp"]) for e in events
    )


def test_postgresql_outage_loses_nothing_and_writes_no_personal_data(tmp_path, postgres):  # noqa: F811
    database = {
        "dialect": "postgresql",
        "url": "127.0.0.1",
        "port": postgres.port,
        "db": postgres.database,
        "username": "postgres",
        "password": "",
    }
    sender, log, data_dir = converse_through_an_outage(
        tmp_path,
        {"type": "bot.privacy.store.RedactingSQLTrackerStore", **database},
        {"type": "bot.privacy.brokers.RedactingSQLEventBroker", **database},
        postgres,
        "tracker store",
    )
    with psycopg2.connect(**postgres.connection) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        events = [json.loads(data) for (data,) in cursor.fetchall()]
        cursor.execute("SELECT data FROM analytics_events")
        analytics = [json.loads(data) for (data,) in cursor.fetchall()]
        stored = rows_text(connection, ["events", "analytics_events", "privacy_receipts"])
    connection.close()
    assert_stored_once_in_order(events)
    # The analytics sink, on the same stopped server, got each stored event exactly once.
    assert len({event["event_id"] for event in analytics}) == len(analytics)
    assert same_events(analytics, events)
    assert canaries_in(stored + log + files_text(data_dir)) == []


def test_rabbitmq_outage_loses_nothing_and_writes_no_personal_data(tmp_path, rabbitmq):  # noqa: F811
    sender, log, data_dir = converse_through_an_outage(
        tmp_path,
        {
            "type": "bot.privacy.store.RedactingSQLTrackerStore",
            "dialect": "sqlite",
            "db": "guichet.db",
        },
        {
            "type": "bot.privacy.brokers.RedactingPikaEventBroker",
            "url": "127.0.0.1",
            "port": rabbitmq.port,
            "username": "guest",
            "password": "guest",
            "queues": [QUEUE],
        },
        rabbitmq,
        "rabbitmq",
    )
    with sqlite3.connect(data_dir / "guichet.db") as connection:
        tracker_events = [
            json.loads(data)
            for (data,) in connection.execute(
                "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
            )
        ]
    connection.close()
    assert_stored_once_in_order(tracker_events)
    messages = asyncio.run(
        drain_queue(aio_pika.connect(f"amqp://guest:guest@127.0.0.1:{rabbitmq.port}/"), QUEUE)
    )
    published = [json.loads(message.body) for message in messages]
    # At least once, de-duplicated by event id: exactly the events stored, each once.
    unique = {event["event_id"]: event for event in published}
    assert {message.message_id for message in messages} == set(unique)
    assert same_events(list(unique.values()), tracker_events)
    queued = "\n".join(message.body.decode() for message in messages)
    assert canaries_in(queued + sqlite_rows(data_dir) + log + files_text(data_dir)) == []


def test_server_starts_while_postgresql_is_down_and_delivers_when_it_returns(
    tmp_path,
    postgres,  # noqa: F811
):
    """The production endpoints (PostgreSQL, Redis locks, RabbitMQ), the test's PostgreSQL
    down before the server starts: it starts, answers with context from the first message,
    queues the redacted events, creates its tables and delivers them once PostgreSQL is up."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    postgres.stop()
    with production_services() as env:
        env.update(
            GUICHET_DB_HOST="127.0.0.1",
            GUICHET_DB_PORT=str(postgres.port),
            GUICHET_DB_NAME=postgres.database,
            GUICHET_DB_USER="postgres",
            GUICHET_DB_PASSWORD="",
        )
        assistant = start_assistant(data_dir, env)
        sender = uuid.uuid4().hex
        try:
            replies = [assistant.say(sender, text) for text in BEFORE + DURING]
            backlog = wait_for_queued(data_dir, "tracker store")
            assert sum(backlog.values()) > 0
            postgres.start()
            wait_for_empty_outbox(data_dir)
            wait_for_delivery_logged(assistant)
            replies += [assistant.say(sender, text) for text in AFTER]
        finally:
            stop_assistant(assistant)
        published = asyncio.run(
            drain_queue(rabbitmq_connection(env), env["GUICHET_RABBITMQ_QUEUE"])
        )
    assert_answers_kept_their_context(replies)
    log = "".join(assistant.output)
    assert "unavailable" in log and "queued events delivered" in log
    with psycopg2.connect(**postgres.connection) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        events = [json.loads(data) for (data,) in cursor.fetchall()]
        stored = rows_text(connection, ["events", "privacy_receipts"])
    connection.close()
    assert_stored_once_in_order(events)
    queued = "\n".join(message.body.decode() for message in published)
    assert canaries_in(stored + queued + log + files_text(data_dir)) == []


def test_rabbitmq_events_in_flight_at_shutdown_are_published_before_the_connection_closes(
    tmp_path,
    monkeypatch,
    rabbitmq,  # noqa: F811
):
    """The server closes the broker right after the last turn: the publishes still waiting for
    RabbitMQ's confirmation end first, so every event reaches the queue."""
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    events = [
        {"event": "user", "timestamp": float(i), "sender_id": "s", "text": "<PERSON>"}
        for i in range(200)
    ]

    async def publish_then_close() -> None:
        broker = RedactingPikaEventBroker(
            "127.0.0.1", "guest", "guest", port=rabbitmq.port, queues=[QUEUE]
        )
        await broker.connect()
        for event in events:
            broker.publish_redacted(event, {})
        await broker.close()

    asyncio.run(publish_then_close())
    assert outbox.backlog(tmp_path / outbox.FILE_NAME) == {}
    messages = asyncio.run(
        drain_queue(aio_pika.connect(f"amqp://guest:guest@127.0.0.1:{rabbitmq.port}/"), QUEUE)
    )
    assert sorted(json.loads(message.body)["timestamp"] for message in messages) == [
        event["timestamp"] for event in events
    ]
