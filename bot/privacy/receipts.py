"""Erasure and purge receipts: what was deleted, when, and a hashed reference; no personal data.

`Receipt` is what `erase` and `purge` return (and `guichet erase`/`purge` print); `Receipts`
keeps them in the `privacy_receipts` table of the tracker database, the auditor's trail.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

logger = logging.getLogger(__name__)
ReceiptBase: Any = declarative_base()  # SQLAlchemy 1.4 has no types for declarative bases


@dataclass(frozen=True)
class Receipt:
    """What was deleted (rows per table), when, and for erasures a hashed conversation reference."""

    kind: str
    rows: dict[str, int]
    timestamp: float
    conversation: str | None = None

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


class ReceiptRow(ReceiptBase):
    """Erasure and purge receipts: counts and a hashed reference, never personal data."""

    __tablename__ = "privacy_receipts"
    id = sa.Column(sa.Integer, primary_key=True)
    timestamp = sa.Column(sa.Float, nullable=False, index=True)
    kind = sa.Column(sa.String(32), nullable=False)
    conversation = sa.Column(sa.String(64))
    data = sa.Column(sa.Text, nullable=False)


class Receipts:
    """The receipts table of a database, through the owner's `session_scope`."""

    def __init__(
        self, engine: Engine, session_scope: Callable[[], AbstractContextManager[Session]]
    ) -> None:
        ReceiptBase.metadata.create_all(engine)
        self._session_scope = session_scope

    def record(self, receipt: Receipt) -> None:
        """Keep the receipt (audit trail) and log it; neither contains personal data."""
        with self._session_scope() as session:
            session.add(
                ReceiptRow(
                    timestamp=receipt.timestamp,
                    kind=receipt.kind,
                    conversation=receipt.conversation,
                    data=json.dumps(receipt.rows),
                )
            )
            session.commit()
        logger.info("Privacy receipt: %s", receipt.describe())

    def all(self) -> list[Receipt]:
        with self._session_scope() as session:
            return [
                Receipt(row.kind, json.loads(row.data), row.timestamp, row.conversation)
                for row in session.query(ReceiptRow).order_by(ReceiptRow.id)
            ]

    def delete_older_than(self, session: Session, cutoff: float) -> int:
        """Delete, in the caller's transaction, the receipts older than `cutoff`."""
        return session.query(ReceiptRow).filter(ReceiptRow.timestamp < cutoff).delete()
