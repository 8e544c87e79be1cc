"""Erasure and purge receipts: what was deleted, when, and a hashed reference; no personal data.

`Receipt` is what `erase` and `purge` return (and `guichet erase`/`purge` print); `Receipts`
keeps them in the `privacy_receipts` table of the tracker database, the auditor's trail.

The receipts form a hash chain: each one stores the hash of the previous one and its own hash
over its content and that link, so that a receipt edited, deleted or inserted afterwards breaks
the chain (`verify_chain`, `guichet audit verify`). Two instances recording at once cannot fork
it: the previous hash is unique, the loser of the race chains again after the winner.

- Receipts written before the chain existed have no hash: the chain starts at the first
  chained receipt, and those earlier ones are reported as not verifiable.
- The purge deletes the oldest receipts past their period (a prefix of the table, never a
  receipt in the middle) and its own receipt keeps the hash of the last one it deleted: the
  remaining chain starts from that anchor.
- The end of the chain can be cut off without breaking a link: an auditor keeps the head
  hash `guichet audit verify` prints, and checks it later with `--head`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

logger = logging.getLogger(__name__)
ReceiptBase: Any = declarative_base()  # SQLAlchemy 1.4 has no types for declarative bases
GENESIS = "0" * 64  # the "previous hash" of the chain's first receipt
RECORD_ATTEMPTS = 20  # another instance chained a receipt at the same moment: try again
CHAIN_COLUMNS = {
    "previous_hash": "VARCHAR(64)",
    "hash": "VARCHAR(64)",
    "pruned_through": "VARCHAR(64)",
}


@dataclass(frozen=True)
class Receipt:
    """What was deleted (rows per table), when, and for erasures a hashed conversation reference.

    A purge that deleted chained receipts keeps the hash of the last of them (`pruned_through`).
    """

    kind: str
    rows: dict[str, int]
    timestamp: float
    conversation: str | None = None
    pruned_through: str | None = None

    @property
    def when(self) -> str:
        return dt.datetime.fromtimestamp(self.timestamp, dt.timezone.utc).isoformat(
            timespec="seconds"
        )

    def as_dict(self) -> dict:
        receipt: dict = {"kind": self.kind, "when": self.when, "rows_deleted": self.rows}
        if self.conversation:
            receipt["conversation_reference"] = self.conversation
        return receipt

    def describe(self) -> str:
        counts = ", ".join(f"{table}={count}" for table, count in self.rows.items())
        reference = f" conversation {self.conversation}" if self.conversation else ""
        return f"{self.kind}{reference} at {self.when}: {counts}"

    def digest(self, previous_hash: str) -> str:
        """This receipt's hash in the chain, after the receipt whose hash is `previous_hash`."""
        content = {
            "previous": previous_hash,
            "kind": self.kind,
            "rows": self.rows,
            "timestamp": self.timestamp,
            "conversation": self.conversation,
            "pruned_through": self.pruned_through,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ReceiptRow(ReceiptBase):
    """Erasure and purge receipts: counts and a hashed reference, never personal data."""

    __tablename__ = "privacy_receipts"
    id = sa.Column(sa.Integer, primary_key=True)
    timestamp = sa.Column(sa.Float, nullable=False, index=True)
    kind = sa.Column(sa.String(32), nullable=False)
    conversation = sa.Column(sa.String(64))
    data = sa.Column(sa.Text, nullable=False)
    # The hash chain (NULL on receipts written before it existed).
    previous_hash = sa.Column(sa.String(64))
    hash = sa.Column(sa.String(64))
    pruned_through = sa.Column(sa.String(64))

    def receipt(self) -> Receipt:
        return Receipt(
            self.kind, json.loads(self.data), self.timestamp, self.conversation, self.pruned_through
        )


# One receipt per previous hash: two receipts can never follow the same one (no fork).
UNIQUE_PREVIOUS = sa.Index(
    "ix_privacy_receipts_previous_hash", ReceiptRow.previous_hash, unique=True
)


def upgrade_schema(engine: Engine) -> None:
    """Add the chain's columns to a receipts table created before the chain existed."""
    present = {column["name"] for column in sa.inspect(engine).get_columns("privacy_receipts")}
    missing = [name for name in CHAIN_COLUMNS if name not in present]
    if missing:
        with engine.begin() as connection:
            for name in missing:
                connection.execute(
                    sa.text(f"ALTER TABLE privacy_receipts ADD COLUMN {name} {CHAIN_COLUMNS[name]}")
                )
        logger.info("Privacy receipts: hash chain columns added; earlier receipts stay unchained.")
    UNIQUE_PREVIOUS.create(engine, checkfirst=True)


class Receipts:
    """The receipts table of a database, through the owner's `session_scope`."""

    # Created, and upgraded, by the owner's schema (bot.privacy.outbox.LazySchema).
    metadata = ReceiptBase.metadata

    def __init__(self, session_scope: Callable[[], AbstractContextManager[Session]]) -> None:
        self._session_scope = session_scope

    def record(self, receipt: Receipt) -> None:
        """Keep the receipt (audit trail), chained to the previous one, and log it; neither
        contains personal data."""
        for _ in range(RECORD_ATTEMPTS):
            with self._session_scope() as session:
                previous = _head(session)
                session.add(
                    ReceiptRow(
                        timestamp=receipt.timestamp,
                        kind=receipt.kind,
                        conversation=receipt.conversation,
                        data=json.dumps(receipt.rows),
                        pruned_through=receipt.pruned_through,
                        previous_hash=previous,
                        hash=receipt.digest(previous),
                    )
                )
                try:
                    session.commit()
                    break
                except sa.exc.IntegrityError:  # another instance took that place in the chain
                    session.rollback()
        else:
            raise RuntimeError("could not chain the privacy receipt (too many concurrent ones)")
        logger.info("Privacy receipt: %s", receipt.describe())

    def all(self) -> list[Receipt]:
        with self._session_scope() as session:
            return [row.receipt() for row in session.query(ReceiptRow).order_by(ReceiptRow.id)]

    def rows(self) -> list[ReceiptRow]:
        """Every stored receipt row, in the order they were written (for verification)."""
        with self._session_scope() as session:
            rows = session.query(ReceiptRow).order_by(ReceiptRow.id).all()
            session.expunge_all()
            return rows

    def delete_older_than(self, session: Session, cutoff: float) -> tuple[int, str | None]:
        """Delete, in the caller's transaction, the oldest receipts up to the first one still
        within its period (a prefix: the chain stays whole). Return how many, and the hash of
        the last chained one deleted (the anchor of the remaining chain), if any."""
        kept_from = (
            session.query(sa.func.min(ReceiptRow.id))
            .filter(ReceiptRow.timestamp >= cutoff)
            .scalar()
        )
        expired = session.query(ReceiptRow)
        if kept_from is not None:
            expired = expired.filter(ReceiptRow.id < kept_from)
        last = expired.filter(ReceiptRow.hash.isnot(None)).order_by(ReceiptRow.id.desc()).first()
        anchor = last.hash if last else None
        return expired.delete(synchronize_session=False), anchor


def _head(session: Session) -> str:
    """The hash of the chain's last receipt (GENESIS when there is none)."""
    last = (
        session.query(ReceiptRow.hash)
        .filter(ReceiptRow.hash.isnot(None))
        .order_by(ReceiptRow.id.desc())
        .first()
    )
    return last[0] if last else GENESIS


@dataclass
class ChainCheck:
    """What `verify_chain` found: the first broken link (None if whole) and the counts."""

    broken: str | None
    unchained: int = 0  # receipts from before the chain
    chained: int = 0
    kinds: Counter = field(default_factory=Counter)
    head: str = GENESIS
    first_id: int | None = None
    last_id: int | None = None
    anchored: bool = False  # the chain starts after receipts deleted by a purge


def verify_chain(rows: Iterable[ReceiptRow], head: str | None = None) -> ChainCheck:
    """Check every link, hash and count of the receipts, in the order they were written."""
    rows = list(rows)
    anchors = {row.pruned_through for row in rows if row.pruned_through}
    check = ChainCheck(None)
    previous_row = None
    for row in rows:
        problem = _problem(row, previous_row, anchors)
        if problem:
            check.broken = problem
            return check
        if row.hash is None:
            check.unchained += 1
            continue
        if previous_row is None:
            check.first_id, check.anchored = row.id, row.previous_hash != GENESIS
        previous_row = row
        check.chained += 1
        check.kinds[row.kind] += 1
        check.last_id, check.head = row.id, row.hash
    if head and head not in {row.hash for row in rows}:
        check.broken = (
            f"the head {head} given is no longer in the chain: receipts at its end were deleted"
        )
    return check


def _problem(row: ReceiptRow, previous_row: ReceiptRow | None, anchors: set[str]) -> str | None:
    """Why this receipt breaks the chain, if it does."""
    name = f"receipt #{row.id} ({row.kind})"
    if row.hash is None:
        if previous_row is None:
            return None  # from before the chain
        return f"{name} has no hash: it was not written by Guichet after the chain began"
    try:
        receipt = row.receipt()
        counts_ok = all(isinstance(n, int) and n >= 0 for n in receipt.rows.values())
    except (ValueError, AttributeError):
        counts_ok = False
    if not counts_ok:
        return f"{name}: its counts are not whole numbers of deleted rows"
    if receipt.digest(row.previous_hash or "") != row.hash:
        return f"{name}: its content does not match its hash (edited after it was written)"
    if previous_row is not None and row.previous_hash != previous_row.hash:
        return (
            f"{name} does not follow receipt #{previous_row.id}: a receipt between them "
            "was deleted, or one was inserted"
        )
    if previous_row is None and row.previous_hash not in anchors | {GENESIS}:
        return (
            f"{name} is the first of the chain but follows a receipt that no purge "
            "recorded deleting: receipts at the chain's start were deleted"
        )
    return None
