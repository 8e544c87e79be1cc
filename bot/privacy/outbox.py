"""A durable local queue for redacted events that a service (PostgreSQL, RabbitMQ) refused.

When the tracker database or the event broker is down, the assistant keeps answering: the
already-redacted events wait in an SQLite file under GUICHET_DATA_DIR and are delivered in
order, by a background retry, once the service is back. Only redacted data is ever put here,
so the file holds nothing more sensitive than the databases it stands in for.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.settings import Settings

logger = logging.getLogger(__name__)
FILE_NAME = "outbox.db"
# Connection-level database errors: the server is down or restarting (not a bug of ours).
OUTAGE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError)
RETRY_SECONDS = 2.0
WARN_EVERY_SECONDS = 60.0


def default_path() -> Path:
    data_dir = Settings().data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    return data_dir / FILE_NAME


def describe_error(error: BaseException) -> str:
    """The error class and the driver's first line: never the SQL parameters (event data)."""
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first_line}"[:300]


class Outbox:
    """A first-in first-out queue of JSON items, named `queue`, in an SQLite file.

    `deliver(items)` must raise when the service is still down: the items then stay queued.
    """

    def __init__(
        self, queue: str, deliver: Callable[[list[dict]], None], path: Path | None = None
    ) -> None:
        self.queue = queue
        self.path = path or default_path()
        self._deliver = deliver
        # `lock`: one delivery at a time (callers that must keep order hold it too);
        # `_db_lock`: short, around the SQLite file only (the event loop may not wait long).
        self.lock = threading.RLock()
        self._db_lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None  # the file is made on first use
        self._size = self._count() if self.path.exists() else 0
        self._fault_since: float | None = None
        self._warned_at = 0.0
        self._start_retrying()

    def __len__(self) -> int:
        return self._size

    @property
    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "queue TEXT NOT NULL, key TEXT, item TEXT NOT NULL)"
            )
        return self._connection

    def _count(self) -> int:
        return self._db.execute(
            "SELECT COUNT(*) FROM outbox WHERE queue = ?", (self.queue,)
        ).fetchone()[0]

    def put(
        self, items: list[dict], key: str | None = None, error: BaseException | None = None
    ) -> None:
        """Queue items (redacted only) behind those already waiting; `key` groups them
        (a conversation) for `items` and `discard`; `error` is the fault that caused it."""
        with self._db_lock, self._db:
            self._db.executemany(
                "INSERT INTO outbox (queue, key, item) VALUES (?, ?, ?)",
                [(self.queue, key, json.dumps(item)) for item in items],
            )
            self._size += len(items)
        if error is not None:
            self.fault(error)

    @contextlib.contextmanager
    def deliver_or_queue(
        self,
        items: list[dict],
        key: str | None = None,
        errors: tuple[type[BaseException], ...] = (Exception,),
    ) -> Iterator[bool]:
        """Deliver now, or queue behind the backlog, so that order is kept:

            with outbox.deliver_or_queue(items, key, errors) as now:
                if now:
                    deliver()  # sync, or awaited

        `now` is False while items wait: `items` then join the queue. A delivery that raises
        one of `errors` (the service is down) records the fault and queues `items` instead.
        Callers that must keep order with other threads hold `lock` around it.
        """
        if len(self):
            yield False
            self.put(items, key=key)
            return
        try:
            yield True
        except errors as error:
            self.fault(error)
            self.put(items, key=key)

    def items(self, key: str) -> list[dict]:
        """The queued items of one key, in order."""
        if not self.path.exists():
            return []
        with self._db_lock:
            rows = self._db.execute(
                "SELECT item FROM outbox WHERE queue = ? AND key = ? ORDER BY id", (self.queue, key)
            ).fetchall()
        return [json.loads(item) for (item,) in rows]

    def discard(self, key: str) -> int:
        """Drop the queued items of one key (erasure); return how many."""
        if not self.path.exists():
            return 0
        with self.lock, self._db_lock, self._db:
            dropped = self._db.execute(
                "DELETE FROM outbox WHERE queue = ? AND key = ?", (self.queue, key)
            ).rowcount
            self._size -= dropped
        return dropped

    def flush(self, batch: int = 500) -> int:
        """Deliver the queue in order; return how many items went. Raises if the service is
        still down (what was not delivered stays queued)."""
        if not self._size:  # what another process queued, its own retry delivers
            return 0
        delivered = 0
        with self.lock, self._exclusive():
            with self._db_lock:  # a `put` between the count and the assignment would be lost
                self._size = self._count()  # another process sharing the file may have delivered
            while self._size:
                with self._db_lock:
                    rows = self._db.execute(
                        "SELECT id, item FROM outbox WHERE queue = ? ORDER BY id LIMIT ?",
                        (self.queue, batch),
                    ).fetchall()
                self._deliver([json.loads(item) for _, item in rows])
                with self._db_lock, self._db:
                    self._db.execute(
                        "DELETE FROM outbox WHERE queue = ? AND id <= ?", (self.queue, rows[-1][0])
                    )
                    self._size -= len(rows)
                delivered += len(rows)
        if self._fault_since is not None:
            logger.warning(
                "%s is back: %d queued events delivered, outbox empty", self.queue, delivered
            )
            self._fault_since = None
        return delivered

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One delivery at a time across processes that share the data directory."""
        with open(self.path.with_suffix(".lock"), "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield

    def fault(self, error: BaseException) -> None:
        """Surface an outage: a warning at its start, then one a minute while it lasts."""
        now = time.monotonic()
        if self._fault_since is None:
            self._fault_since = now
        elif now - self._warned_at < WARN_EVERY_SECONDS:
            return
        self._warned_at = now
        logger.warning(
            "%s unavailable (%s): %d events queued in %s, retrying every %.0f s",
            self.queue,
            describe_error(error),
            self._size,
            self.path,
            RETRY_SECONDS,
        )

    def _start_retrying(self) -> None:
        def retry_forever() -> None:
            while True:
                time.sleep(RETRY_SECONDS)
                try:
                    self.flush()
                except Exception as error:  # noqa: BLE001 (still down: retry later)
                    self.fault(error)

        threading.Thread(target=retry_forever, name=f"outbox-{self.queue}", daemon=True).start()


class LazySchema:
    """Tables created on first use rather than at start: the database may be down when the
    server starts, and the server starts anyway (its events wait in the outbox meanwhile)."""

    def __init__(
        self,
        engine: sa.engine.Engine,
        *metadata: sa.MetaData,
        upgrades: tuple[Callable[[sa.engine.Engine], None], ...] = (),
    ) -> None:
        """`upgrades` bring tables made by an earlier version up to date, after creation."""
        self._engine, self._metadata, self._upgrades = engine, metadata, upgrades
        self._ready = False
        self._lock = threading.Lock()

    def ensure_at_start(self, outbox: Outbox) -> None:
        """Create the tables now if the database answers; if it is down, say so through
        `outbox` (its warning) and go on: `ensure` creates them on first use."""
        try:
            self.ensure()
        except OUTAGE_ERRORS as error:
            outbox.fault(error)

    def ensure(self) -> None:
        """Create the missing tables, once; raises while the database is down."""
        if self._ready:
            return
        with self._lock:
            if not self._ready:
                for metadata in self._metadata:
                    metadata.create_all(self._engine)
                for upgrade in self._upgrades:
                    upgrade(self._engine)
                self._ready = True


def not_yet_stored(session: Session, table: sa.Table, key: str, rows: list[dict]) -> list[dict]:
    """The rows (column values, with `key`, "timestamp" and "data") that `table` does not hold.

    The outbox delivers at least once: if the process died after the database took a batch
    and before the outbox dropped it, the batch comes again. Its rows are found (same `key`,
    same redacted event, same timestamp) and are not stored twice.
    """
    if not rows:
        return rows
    stored = Counter(
        session.execute(
            sa.select(table.c[key], table.c.data).where(
                table.c[key].in_({row[key] for row in rows}),
                table.c.timestamp >= min(row["timestamp"] or 0 for row in rows),
            )
        ).all()
    )
    fresh = []
    for row in rows:
        if stored[(row[key], row["data"])]:
            stored[(row[key], row["data"])] -= 1
        else:
            fresh.append(row)
    return fresh


def backlog(path: Path | None = None) -> dict[str, int]:
    """Items waiting per queue, for `guichet audit backlog` (empty without an outbox file)."""
    path = path or Settings().data_dir / FILE_NAME
    if not path.exists():
        return {}
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT queue, COUNT(*) FROM outbox GROUP BY queue"))
