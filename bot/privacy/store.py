"""A SQL tracker store that only ever persists redacted events.

Rasa's SQLTrackerStore writes every message in clear text. This subclass redacts each new
event (text, parse data, entities, slot values, metadata) with the project's Redactor before
it reaches the database or the event broker. Conversations still work across turns and
restarts: the next turn is rebuilt from the redacted events, and slots the dialogue relies on
(procedure ids, question kinds) are not personal data, so they survive redaction unchanged.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from cachetools import LRUCache
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session, sessionmaker

from anonymization import Redactor
from bot import rasa_compat
from bot.privacy import logs as redacting_logs
from bot.privacy.events import EventRedactor, sender_reference
from bot.privacy.outbox import OUTAGE_ERRORS, LazySchema, Outbox, not_yet_stored
from bot.privacy.receipts import Receipt, Receipts, upgrade_schema
from bot.privacy.retention import Retention, start_purge_thread

logger = logging.getLogger(__name__)
ERASURE_ACTION = "action_erase_conversation"


class StoredCounts:
    """How many events of each tracker this store built are already stored (bounded, LRU).

    Saving such a tracker then needs no count query: Rasa's lock store keeps other turns of
    the conversation (in any instance) from writing meanwhile, so the count stays exact. A
    count is only trusted for the very tracker object it was recorded for.
    """

    def __init__(self, size: int) -> None:
        self._counts: LRUCache[str, tuple[weakref.ref, int]] = LRUCache(size)
        self._lock = threading.Lock()  # the event loop and the erasure/purge threads

    def put(self, tracker: DialogueStateTracker, count: int) -> None:
        with self._lock:
            self._counts[tracker.sender_id] = (weakref.ref(tracker), count)

    def get(self, tracker: DialogueStateTracker) -> int | None:
        with self._lock:
            built, count = self._counts.get(tracker.sender_id, (None, 0))
        return count if built is not None and built() is tracker else None

    def forget(self, sender_id: str) -> None:
        with self._lock:
            self._counts.pop(sender_id, None)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose database rows and broker messages are redacted.

    Configure it in endpoints.yml with `type: bot.privacy.store.RedactingSQLTrackerStore` and the
    usual SQLTrackerStore keys (`dialect`, `db`, `url`, ...). It also keeps the privacy
    receipts (erasures, purges) and runs the retention purge at start and then periodically.
    """

    def __init__(
        self,
        *args: Any,
        redactor: Redactor | None = None,
        retention: Retention | None = None,
        purge_in_background: bool = True,
        outage_cache_size: int = 1000,
        **kwargs: Any,
    ) -> None:
        # `guichet run` installs both first (python -m bot.server); a bare `rasa run` gets them
        # here, when it builds this store from endpoints.yml, before any message is handled.
        redacting_logs.install()
        rasa_compat.install()
        super().__init__(*args, **kwargs)
        self.event_redactor = EventRedactor(redactor or Redactor.from_policy())
        self.retention = retention or Retention.load()
        self.receipt_log = Receipts(self.session_scope)
        # While the database is down, redacted events wait on local disk, in order...
        database = self.engine.url.render_as_string(hide_password=True)
        self.outbox = Outbox(f"tracker store {database}", self._insert_queued)
        self.erasures = Outbox(f"erasures {database}", self._erase_queued)
        # ...also from the start: the tables are made when the database first answers.
        self.schema = LazySchema(
            self.engine, self.Base.metadata, Receipts.metadata, upgrades=(upgrade_schema,)
        )
        self.schema.ensure_at_start(self.outbox)
        # ...and the conversations this process last saw stay in memory (redacted rows), so
        # that a turn during an outage still has its context.
        self._recent: LRUCache[str, list[str]] = LRUCache(outage_cache_size)
        self._stored_counts = StoredCounts(outage_cache_size)
        # Sessions whose statements commit by themselves, for the work of every turn, done in
        # one statement each (a read, one multi-row INSERT) and so atomic alone: no BEGIN,
        # COMMIT or ROLLBACK round trips to the database.
        self._autocommit_sessions = sessionmaker(
            bind=self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        if purge_in_background:
            start_purge_thread(self.purge, self.retention.purge_interval_seconds)

    def _autocommit_session(self) -> Session:
        self.schema.ensure()
        return self._autocommit_sessions()

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[Session]:
        self.schema.ensure()
        with super().session_scope() as session:
            yield session

    # `_retrieve` and `_event_query` are private names of Rasa's SQLTrackerStore: their
    # contract is in bot/rasa_compat/contract.py.
    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        rows = self._rows(sender_id, fetch_events_from_all_sessions)
        events = [json.loads(row) for row in rows]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:
            self._stored_counts.put(tracker, len(rows))
        return tracker

    def _rows(self, sender_id: str, fetch_events_from_all_sessions: bool) -> list[str]:
        """The conversation's stored rows; while the database is down, the outage view."""
        with self.outbox.lock:  # also guards `_recent`, shared with the retry thread
            try:
                self._flush()
                with self._autocommit_session() as session:
                    query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
                    rows = [data for (data,) in query.with_entities(self.SQLEvent.data)]
                if not fetch_events_from_all_sessions:
                    self._remember(sender_id, rows, replace=True)
                return rows
            except OUTAGE_ERRORS as error:
                self.outbox.fault(error)
                return self._outage_view(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        stored = self._stored_counts.get(tracker)
        if stored is None:
            stored = len(self._rows(sender_id, False))  # as many as Rasa would count
        new_events = list(itertools.islice(tracker.events, stored, None))
        if any(_is_erasure(event) for event in new_events):
            self.erase(sender_id)
            return
        redacted = [self.event_redactor.redact(event.as_dict(), sender_id) for event in new_events]
        self._store(sender_id, [json.dumps(data) for data, _ in redacted])
        self._stored_counts.put(tracker, stored + len(new_events))
        self._publish(sender_id, redacted)

    def _store(self, sender_id: str, rows: list[str]) -> None:
        """Insert redacted rows, or queue them if the database is down or a backlog waits."""
        queued = [{"sender_id": sender_id, "data": row} for row in rows]
        with self.outbox.lock:  # nothing reaches the database ahead of what is queued
            with self.outbox.deliver_or_queue(queued, sender_id, OUTAGE_ERRORS) as now:
                if now:
                    self._insert([(sender_id, row) for row in rows])

    def _insert(self, rows: list[tuple[str, str]], queued: bool = False) -> None:
        """Insert (sender id, redacted event) rows in one statement. `queued` rows come from
        the outbox and may have been stored already (see `not_yet_stored`)."""
        if not rows:
            return
        values = []
        for sender_id, row in rows:
            data = json.loads(row)
            values.append(
                {
                    "sender_id": sender_id,
                    "type_name": data["event"],
                    "timestamp": data.get("timestamp"),
                    "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": row,
                }
            )
        with self._autocommit_session() as session:
            if queued:
                values = not_yet_stored(session, self.SQLEvent.__table__, "sender_id", values)
            if values:  # an INSERT without values would add one empty row
                session.execute(self.SQLEvent.__table__.insert().values(values))
        for sender_id, group in itertools.groupby(rows, key=lambda pair: pair[0]):
            self._remember(sender_id, [row for _, row in group])

    def _insert_queued(self, items: list[dict]) -> None:
        self._insert([(item["sender_id"], item["data"]) for item in items], queued=True)

    def _erase_queued(self, items: list[dict]) -> None:
        for item in items:
            self._erase_now(item["sender_id"])  # a second time is harmless: 0 rows

    def _flush(self) -> None:
        """Deliver what waits (in order) before the database is read or written again."""
        self.outbox.flush()
        self.erasures.flush()

    def _remember(self, sender_id: str, rows: list[str], replace: bool = False) -> None:
        """Keep the stored rows of the conversation's latest session (bounded, LRU).

        Only `replace` (a full read) adds a conversation: a partial one would miscount.
        """
        if replace:
            self._recent[sender_id] = list(rows)
        elif sender_id in self._recent:
            self._recent[sender_id].extend(rows)  # the lookup makes it the most recent

    def _outage_view(self, sender_id: str) -> list[str]:
        """The latest session as this process knows it: rows last seen stored, then queued."""
        queued = [item["data"] for item in self.outbox.items(sender_id)]
        return _latest_session(self._recent.get(sender_id, []) + queued)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Never publish the raw tracker: `save` publishes the redacted events itself."""

    def _publish(self, sender_id: str, redacted: list[tuple[dict, dict[str, int]]]) -> None:
        if self.event_broker is None:
            return
        events = [({"sender_id": sender_id, **data}, detections) for data, detections in redacted]
        publish_many = getattr(self.event_broker, "publish_redacted_many", None)
        if publish_many is not None:
            publish_many(events)
        else:  # a broker that does not redact by itself still only gets redacted events
            for event, _ in events:
                self.event_broker.publish(event)

    def erase(self, sender_id: str) -> Receipt:
        """Delete a conversation everywhere (tracker rows, analytics rows); return the receipt.

        If the database is down, the erasure is queued and done as soon as it is back.
        """
        try:
            return self._erase_now(sender_id)
        except OUTAGE_ERRORS as error:
            self.erasures.put([{"sender_id": sender_id}], key=sender_id, error=error)
            return Receipt("erasure pending", {}, time.time(), sender_reference(sender_id))

    def _erase_now(self, sender_id: str) -> Receipt:
        with self.outbox.lock:
            self._recent.pop(sender_id, None)
            self._stored_counts.forget(sender_id)
            queued = self.outbox.discard(sender_id)
            with self.session_scope() as session:
                rows = {
                    "conversation_events": queued
                    + session.query(self.SQLEvent)
                    .filter(self.SQLEvent.sender_id == sender_id)
                    .delete()
                }
                session.commit()
        if hasattr(self.event_broker, "erase"):
            rows["analytics_events"] = self.event_broker.erase(sender_id)
        self.event_redactor.redactor.forget(sender_id)
        receipt = Receipt("erasure", rows, time.time(), sender_reference(sender_id))
        self.record(receipt)
        return receipt

    def purge(self, now: float | None = None) -> Receipt:
        """Delete what is older than its retention period; return the receipt."""
        now = time.time() if now is None else now
        conversations_cutoff = now - self.retention.seconds("conversations")
        with self.session_scope() as session:
            expired = [
                sender_id
                for (sender_id,) in session.query(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(sa.func.max(self.SQLEvent.timestamp) < conversations_cutoff)
            ]
            receipts, pruned_through = self.receipt_log.delete_older_than(
                session, now - self.retention.seconds("receipts")
            )
            rows = {
                "conversation_events": session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id.in_(expired))
                .delete(synchronize_session=False),
                "receipts": receipts,
            }
            session.commit()
        if hasattr(self.event_broker, "purge"):
            cutoff = now - self.retention.seconds("analytics")
            rows["analytics_events"] = self.event_broker.purge(cutoff)
        with self.outbox.lock:
            self._recent.clear()  # some of these conversations may be gone
            self._stored_counts.clear()
        receipt = Receipt("purge", rows, now, pruned_through=pruned_through)
        self.record(receipt)
        return receipt

    def record(self, receipt: Receipt) -> None:
        """Keep the receipt (audit trail, hash-chained) and log it; neither contains personal
        data."""
        self.receipt_log.record(receipt)

    def receipts(self) -> list[Receipt]:
        return self.receipt_log.all()


def _latest_session(rows: list[str]) -> list[str]:
    """The rows SQLTrackerStore's query keeps: from the latest `session_started` timestamp."""
    stamps = [(json.loads(row), row) for row in rows]
    starts = [
        event.get("timestamp") or 0 for event, _ in stamps if event["event"] == "session_started"
    ]
    if not starts:
        return rows
    return [row for event, row in stamps if (event.get("timestamp") or 0) >= max(starts)]


def _is_erasure(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ERASURE_ACTION
