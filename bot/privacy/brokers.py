"""Event brokers that only ever publish redacted events (the analytics side of the boundary).

The redacting tracker store hands them the events it has already redacted, a turn at a time
(`publish_redacted_many`).
Anything Rasa publishes by itself through `publish` (its fail-safe in-memory tracker store,
`rasa export`) is redacted here first, so a raw event never leaves the process.
In both cases the sender id is replaced by a hashed reference and client metadata is dropped.

- `RedactingSQLEventBroker` (default): an SQL analytics sink, SQLite or PostgreSQL.
- `RedactingPikaEventBroker`: Rasa's RabbitMQ broker, same configuration keys as `type: pika`.

If the database or RabbitMQ is down, events wait in a durable local outbox
(bot/privacy/outbox.py) and are delivered when it is back: at least once, each with an
`event_id` for de-duplication.
The SQL sink drops a redelivered event itself (`bot.privacy.outbox.not_yet_stored`); RabbitMQ
consumers use the `event_id`, which is also the AMQP `message_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import uuid
from collections.abc import Coroutine, Iterator
from typing import Any
from urllib.parse import urlsplit

import aio_pika
import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.orm import declarative_base, sessionmaker

from anonymization import Redactor
from bot.privacy.events import FAILED, EventRedactor, sender_reference
from bot.privacy.outbox import OUTAGE_ERRORS, LazySchema, Outbox, not_yet_stored

AnalyticsBase: Any = declarative_base()  # SQLAlchemy 1.4 has no types for declarative bases


class AnalyticsEvent(AnalyticsBase):
    """One redacted event, with what its redaction detected (types and counts only)."""

    __tablename__ = "analytics_events"
    id = sa.Column(sa.Integer, primary_key=True)
    conversation = sa.Column(sa.String(64), nullable=False, index=True)
    timestamp = sa.Column(sa.Float, index=True)
    type_name = sa.Column(sa.String(255), nullable=False)
    intent_name = sa.Column(sa.String(255))
    action_name = sa.Column(sa.String(255))
    detections = sa.Column(sa.Text, nullable=False)
    redaction_failures = sa.Column(sa.Integer, nullable=False, default=0)
    data = sa.Column(sa.Text, nullable=False)


def analytics_message(event: dict, detections: dict[str, int]) -> dict:
    """The published form of a redacted event: hashed sender, detection counts, and a unique
    `event_id` that consumers use to drop a duplicate (a redelivery after a fault)."""
    return {
        **event,
        "sender_id": sender_reference(str(event.get("sender_id"))),
        "redaction": detections,
        "event_id": uuid.uuid4().hex,
    }


class RedactingBroker(EventBroker):
    """Base of the redacting brokers: `publish` redacts, `publish_redacted` trusts the store."""

    _event_redactor: EventRedactor | None = None

    def publish(self, event: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        if self._event_redactor is None:
            self._event_redactor = EventRedactor(Redactor.from_policy())
        data, detections = self._event_redactor.redact(event, str(event.get("sender_id")))
        self.publish_redacted(data, detections, *args, **kwargs)

    def publish_redacted(
        self, event: dict, detections: dict[str, int], *args: Any, **kwargs: Any
    ) -> None:
        raise NotImplementedError

    def publish_redacted_many(self, events: list[tuple[dict, dict[str, int]]]) -> None:
        """Publish the redacted events of one turn, in order."""
        for event, detections in events:
            self.publish_redacted(event, detections)


class RedactingSQLEventBroker(RedactingBroker):
    """Analytics sink: redacted events in the `analytics_events` table of an SQL database.

    endpoints.yml: `type: bot.privacy.brokers.RedactingSQLEventBroker` with `dialect` and `db`
    (SQLite, the default) or `url`/`port`/`username`/`password` like the SQL tracker store.
    """

    def __init__(
        self,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | None = None,
        db: str = "analytics.db",
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        url = SQLTrackerStore.get_db_url(dialect, host, port, db, username, password)
        self.engine = sa.create_engine(url)
        self.sessionmaker = sessionmaker(bind=self.engine)
        self.outbox = Outbox(
            f"analytics {self.engine.url.render_as_string(hide_password=True)}",
            self._insert_queued,
        )
        self.schema = LazySchema(self.engine, AnalyticsBase.metadata)
        self.schema.ensure_at_start(self.outbox)

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Any = None
    ) -> RedactingSQLEventBroker:
        return cls(host=broker_config.url, **broker_config.kwargs)

    @contextlib.contextmanager
    def session(self) -> Iterator[Any]:
        self.schema.ensure()
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        finally:
            session.close()

    def publish_redacted(self, event: dict, detections: dict[str, int], *_: Any, **__: Any) -> None:
        self.publish_redacted_many([(event, detections)])

    def publish_redacted_many(self, events: list[tuple[dict, dict[str, int]]]) -> None:
        """Store the events of one turn in one transaction (the sink is on every turn's path)."""
        rows = [self._row(event, detections) for event, detections in events]
        if not rows:
            return
        with self.outbox.deliver_or_queue(rows, rows[0]["conversation"], OUTAGE_ERRORS) as now:
            if now:
                self._insert(rows)

    @staticmethod
    def _row(event: dict, detections: dict[str, int]) -> dict:
        message = analytics_message(event, detections)
        message.pop("redaction")  # kept in the detections and redaction_failures columns
        return {
            "conversation": message.pop("sender_id"),
            "timestamp": message.get("timestamp"),
            "type_name": message.get("event", ""),
            "intent_name": (message.get("parse_data") or {}).get("intent", {}).get("name"),
            "action_name": message.get("name"),
            "detections": json.dumps(
                {kind: count for kind, count in detections.items() if kind != FAILED}
            ),
            "redaction_failures": detections.get(FAILED, 0),
            "data": json.dumps(message),
        }

    def _insert(self, rows: list[dict], queued: bool = False) -> None:
        """Insert rows in one transaction; `queued` ones may be stored already."""
        with self.session() as session:
            if queued:
                rows = not_yet_stored(session, AnalyticsEvent.__table__, "conversation", rows)
            if rows:
                session.execute(AnalyticsEvent.__table__.insert(), rows)

    def _insert_queued(self, rows: list[dict]) -> None:
        self._insert(rows, queued=True)

    def erase(self, sender_id: str) -> int:
        """Delete the conversation's analytics rows, queued ones included; return how many."""
        reference = sender_reference(sender_id)
        with self.outbox.lock, self.session() as session:
            return self.outbox.discard(reference) + (
                session.query(AnalyticsEvent)
                .filter(AnalyticsEvent.conversation == reference)
                .delete()
            )

    def purge(self, cutoff: float) -> int:
        """Delete analytics rows older than `cutoff` (epoch seconds); return how many."""
        with self.session() as session:
            return session.query(AnalyticsEvent).filter(AnalyticsEvent.timestamp < cutoff).delete()


class RedactingPikaEventBroker(RedactingBroker, PikaEventBroker):
    """Rasa's RabbitMQ broker (`type: pika` keys), publishing redacted events only.

    Each message waits for RabbitMQ's publisher confirmation. A message RabbitMQ did not
    confirm goes to the durable outbox instead of Rasa's in-memory list (lost on restart).

    The RabbitMQ connection runs on its own event loop, in a thread. On the server's loop, a
    confirmation needs several loop iterations, each behind every turn in progress: with 10
    busy conversations confirmations took seconds, hit the timeout, and every later event
    then took the slow outbox path (`guichet bench load`).
    """

    # `_publish`, `_message`, `_exchange` and `_loop` are private names of Rasa's
    # PikaEventBroker: their contract is in bot/rasa_compat/contract.py.
    PUBLISH_TIMEOUT_SECONDS = 10

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        host = urlsplit(self.host if "://" in self.host else f"//{self.host}").hostname
        self.outbox = Outbox(
            f"rabbitmq {host}:{self.port} {','.join(self.queues)}", self._publish_queued
        )
        self._publishing: set[asyncio.Task] = set()  # touched on the broker's own loop only

    async def connect(self) -> None:
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="rabbitmq", daemon=True).start()
        try:
            await self._on_own_loop(super().connect())
        except BaseException:
            self._loop.call_soon_threadsafe(self._loop.stop)
            raise

    async def close(self) -> None:
        await self._on_own_loop(self._close_when_published())

    async def _close_when_published(self) -> None:
        """Let the publishes in flight end first, each confirmed or queued in the outbox
        (within its timeout): closing under them would lose the last turn's events."""
        await asyncio.gather(*self._publishing, return_exceptions=True)
        await super().close()

    def _on_own_loop(self, coroutine: Coroutine) -> asyncio.Future:
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    def publish_redacted(
        self, event: dict, detections: dict[str, int], headers: dict[str, str] | None = None
    ) -> None:
        message = analytics_message(event, detections)
        asyncio.run_coroutine_threadsafe(self._publish(message, headers), self._loop)

    async def _publish(self, event: dict, headers: dict[str, str] | None = None) -> None:
        task = asyncio.current_task()
        assert task is not None  # always run as a task, by publish_redacted
        self._publishing.add(task)
        try:
            # Any failure keeps the event (errors: Exception, the default).
            with self.outbox.deliver_or_queue([{"event": event, "headers": headers}]) as now:
                if now:
                    await self._confirmed_publish(event, headers)
        finally:
            self._publishing.discard(task)

    async def _confirmed_publish(self, event: dict, headers: dict[str, str] | None) -> None:
        if self._exchange is None:
            raise ConnectionError("not connected to RabbitMQ")
        await asyncio.wait_for(
            self._exchange.publish(self._message(event, headers), ""),
            self.PUBLISH_TIMEOUT_SECONDS,
        )

    def _message(self, event: dict, headers: dict[str, str] | None) -> aio_pika.Message:
        message = super()._message(event, headers)
        message.message_id = event["event_id"]
        return message

    def _publish_queued(self, items: list[dict]) -> None:
        """Publish queued messages in order (called by the outbox's retry thread)."""

        async def publish_all() -> None:
            for item in items:
                await self._confirmed_publish(item["event"], item["headers"])

        asyncio.run_coroutine_threadsafe(publish_all(), self._loop).result(
            timeout=self.PUBLISH_TIMEOUT_SECONDS * len(items)
        )
