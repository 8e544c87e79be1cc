"""Retention periods per kind of data, and the periodic purge that enforces them."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.privacy.outbox import describe_error
from bot.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)
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


# A purge that failed (the database was down, e.g. at start) is tried again this soon.
RETRY_AFTER_FAILURE_SECONDS = 60.0


def start_purge_thread(purge: Callable[[], object], interval_seconds: float) -> threading.Thread:
    """Run `purge` now, then every `interval_seconds`, in a daemon thread; a failure is logged
    (without its SQL parameters) and tried again within RETRY_AFTER_FAILURE_SECONDS."""

    def purge_forever() -> None:
        while True:
            try:
                purge()
                wait = interval_seconds
            except Exception as error:  # noqa: BLE001 (the next run may succeed)
                wait = min(interval_seconds, RETRY_AFTER_FAILURE_SECONDS)
                logger.warning(
                    "Retention purge failed: %s; next try in %.0f s", describe_error(error), wait
                )
            time.sleep(wait)

    thread = threading.Thread(target=purge_forever, name="retention-purge", daemon=True)
    thread.start()
    return thread
