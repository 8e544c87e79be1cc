"""The last measured figures, kept as small JSON files for the transparency page.

`guichet eval-redaction` and `guichet eval-dialogue` record their headline figures with the
date; the page and the documents read them back, and say "not measured yet" when absent.
The files hold aggregate figures only (no message, no question text).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from anonymization.policy import DEFAULT_POLICY, POLICY_ENV
from bot.settings import Settings

KINDS = ("redaction", "dialogue")


def directory(settings: Settings | None = None) -> Path:
    return (settings or Settings()).data_dir / "measurements"


def record(kind: str, figures: dict, settings: Settings | None = None) -> Path:
    """Write `figures` with today's date as the last measurement of `kind`."""
    if kind not in KINDS:
        raise ValueError(f"unknown measurement {kind!r}")
    path = directory(settings) / f"{kind}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {"date": dt.date.today().isoformat(), **figures}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)  # a reader never sees half a file
    return path


def latest(kind: str, settings: Settings | None = None) -> dict | None:
    """The last recorded figures of `kind`, or None when never measured (or unreadable)."""
    path = directory(settings) / f"{kind}.json"
    try:
        figures = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return figures if isinstance(figures, dict) and "date" in figures else None


def policy_fingerprint(path: str | Path | None = None) -> str:
    """A short hash of a redaction policy file (default: the one the server uses), kept with
    each redaction measurement so that the page can tell a measure of an older policy."""
    path = Path(path or os.environ.get(POLICY_ENV) or DEFAULT_POLICY)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def record_redaction(corpora: list[dict], policy: str | Path | None = None) -> Path:
    """`corpora`: one {"name", "messages", "figures": {"recall": …, …}} per corpus."""
    return record("redaction", {"policy": policy_fingerprint(policy), "corpora": corpora})
