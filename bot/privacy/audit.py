"""The auditor's read side over the redacted analytics sink and tracker store.

- `compute_figures`: the figures of the audit report (`bot.tools.audit_report` draws them) and of
  `GET /webhooks/audit/report`;
- `export`: JSONL, one redacted conversation per line (hashed reference, events);
- `scan`: a second detection pass over everything stored, listing residual candidates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from anonymization import Redactor
from bot.privacy.brokers import AnalyticsEvent, RedactingSQLEventBroker
from bot.privacy.receipts import ReceiptRow
from bot.privacy.store import RedactingSQLTrackerStore

FALLBACK_ACTIONS = {"action_handle_misunderstanding", "action_default_fallback"}
HANDOFF_ACTIONS = {"action_offer_human"}
URL = re.compile(r"https?://[^\s<>\"')]+")
PLACEHOLDER = re.compile(r"<[A-Z_]+(?:_\d+|:[0-9a-f]+)?>")


def day_start(day: str) -> float:
    """The UTC timestamp at which a YYYY-MM-DD day starts."""
    date = dt.date.fromisoformat(day)
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp()


def _day(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).date().isoformat()


@dataclass
class Figures:
    """Everything the report shows, computed from the analytics sink."""

    conversations_per_day: Counter = field(default_factory=Counter)
    intents: Counter = field(default_factory=Counter)
    detections: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    failures_per_day: Counter = field(default_factory=Counter)
    user_turns: int = 0
    fallbacks: int = 0
    conversations: int = 0
    handoff_conversations: int = 0

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.user_turns if self.user_turns else 0.0

    @property
    def handoff_rate(self) -> float:
        return self.handoff_conversations / self.conversations if self.conversations else 0.0

    def as_dict(self) -> dict:
        """JSON-ready: the counters (dicts) and the rates."""
        fields = {spec.name: getattr(self, spec.name) for spec in dataclasses.fields(self)}
        return {**fields, "fallback_rate": self.fallback_rate, "handoff_rate": self.handoff_rate}


def compute_figures(sink: RedactingSQLEventBroker, since: float = 0.0) -> Figures:
    figures = Figures()
    days_seen, handoffs = defaultdict(set), set()
    with sink.session() as session:
        rows = session.query(AnalyticsEvent).filter(AnalyticsEvent.timestamp >= since)
        for row in rows.order_by(AnalyticsEvent.id):
            day = _day(row.timestamp)
            figures.detections.update(json.loads(row.detections))
            figures.failures_per_day[day] += row.redaction_failures
            if row.type_name == "user":
                days_seen[day].add(row.conversation)
                figures.user_turns += 1
                figures.intents[row.intent_name or "(none)"] += 1
            elif row.type_name == "bot":
                figures.sources.update(URL.findall(json.loads(row.data).get("text") or ""))
            elif row.action_name in FALLBACK_ACTIONS:
                figures.fallbacks += 1
            if row.action_name in HANDOFF_ACTIONS:
                handoffs.add(row.conversation)
    figures.conversations_per_day = Counter({day: len(ids) for day, ids in days_seen.items()})
    figures.conversations = len(set().union(*days_seen.values())) if days_seen else 0
    figures.handoff_conversations = len(handoffs)
    return figures


def export_conversations(sink: RedactingSQLEventBroker, since: float = 0.0) -> Iterator[str]:
    """One JSON line per conversation: its hashed reference and its redacted events."""
    conversations = defaultdict(list)
    with sink.session() as session:
        rows = session.query(AnalyticsEvent).filter(AnalyticsEvent.timestamp >= since)
        for row in rows.order_by(AnalyticsEvent.id):
            conversations[row.conversation].append(json.loads(row.data))
    for reference, events in conversations.items():
        yield json.dumps({"conversation": reference, "events": events}, ensure_ascii=False)


# Keys whose values are the store's own identifiers or hashes, never citizen text: random ids
# can look like a mistyped IBAN or SIREN, which buried the real candidates in noise.
IDENTIFIER_KEYS = frozenset(
    {
        "message_id",
        "sender_id",
        "event_id",
        "conversation",
        "model_id",
        "assistant_id",
        "hash",
    }
)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in IDENTIFIER_KEYS:
                yield from _strings(item)


def _stored_documents(store: RedactingSQLTrackerStore) -> Iterator[tuple[str, int, object]]:
    with store.session_scope() as session:
        for row in session.query(store.SQLEvent):
            yield "events", row.id, json.loads(row.data)
        for row in session.query(ReceiptRow):
            yield "privacy_receipts", row.id, json.loads(row.data)
    sink = store.event_broker
    if isinstance(sink, RedactingSQLEventBroker):
        with sink.session() as session:
            for row in session.query(AnalyticsEvent):
                yield "analytics_events", row.id, json.loads(row.data)


def _masked(value: str) -> str:
    """Show the auditor where a candidate is without printing it whole."""
    return re.sub(r"(?<=\w)\w", "*", value)


def scan(store: RedactingSQLTrackerStore, redactor: Redactor) -> Iterator[str]:
    """A second detection pass over every stored string; one line per residual candidate."""
    for table, row_id, document in _stored_documents(store):
        for text in _strings(document):
            cleaned = PLACEHOLDER.sub(" ", text)
            for finding in redactor.analyze(cleaned):
                value = _masked(cleaned[finding.start : finding.end])
                yield f"{table} row {row_id}: {finding.entity_type} ({finding.score:.2f}) {value}"
