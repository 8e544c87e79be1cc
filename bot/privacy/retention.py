"""Retention periods per kind of data, and the receipts that erasure and purge return."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

DEFAULT_RETENTION_FILE = PROJECT_ROOT / "retention.yml"
DATA_KINDS = ("conversations", "analytics", "receipts")
DAY_SECONDS = 86400


@dataclass(frozen=True)
class Retention:
    """Days each kind of data is kept, and how often the server purges."""

    periods_days: dict[str, float]
    purge_interval_hours: float = 24

    @classmethod
    def load(cls, path: str | Path | None = None) -> Retention:
        """Read `path`, else $GUICHET_RETENTION, else the project's retention.yml."""
        path = Path(path or os.environ.get("GUICHET_RETENTION") or DEFAULT_RETENTION_FILE)
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        periods = config["periods_days"]
        missing = [kind for kind in DATA_KINDS if kind not in periods]
        if missing:
            raise ValueError(f"{path}: no retention period for {', '.join(missing)}")
        return cls(periods, config.get("purge_interval_hours", 24))

    def seconds(self, kind: str) -> float:
        return self.periods_days[kind] * DAY_SECONDS

    @property
    def purge_interval_seconds(self) -> float:
        return self.purge_interval_hours * 3600


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
        receipt = {"kind": self.kind, "when": self.when, "rows_deleted": self.rows}
        if self.conversation:
            receipt["conversation_reference"] = self.conversation
        return receipt

    def describe(self) -> str:
        counts = ", ".join(f"{table}={count}" for table, count in self.rows.items())
        reference = f" conversation {self.conversation}" if self.conversation else ""
        return f"{self.kind}{reference} at {self.when}: {counts}"
