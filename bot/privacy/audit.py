"""The auditor's read side over the redacted analytics sink and tracker store.

- `compute_figures`: the figures of the audit report (`bot.tools.audit_report` draws them) and of
  `GET /webhooks/audit/report`;
- `export`: JSONL, one redacted conversation per line (hashed reference, events);
- `scan`: a second detection pass over the fields of everything stored that can hold citizen
  text, its candidates grouped by type;
- `verify`: the receipts' hash chain, and that no erased conversation has rows left.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from anonymization import Redactor
from bot.privacy.brokers import AnalyticsEvent, RedactingSQLEventBroker
from bot.privacy.events import sender_reference
from bot.privacy.receipts import verify_chain
from bot.privacy.store import RedactingSQLTrackerStore

FALLBACK_ACTIONS = {"action_handle_misunderstanding", "action_default_fallback"}
HANDOFF_ACTIONS = {"action_offer_human"}
URL = re.compile(r"https?://[^\s<>\"')]+")
PLACEHOLDER = re.compile(r"<[A-Z_]+(?:_\d+|:[0-9a-f]+)?>")


DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def day_start(day: str) -> float:
    """The UTC timestamp at which a YYYY-MM-DD day starts; ValueError for any other form
    (Python 3.11's fromisoformat alone would also take 20260101 or 2026-W01-1)."""
    if not DAY.fullmatch(day):
        raise ValueError(f"not a YYYY-MM-DD date: {day!r}")
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


SCAN_CACHE_SIZE = 100_000  # distinct texts whose findings are remembered (bot answers repeat)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def citizen_texts(event: dict, kind: str) -> Iterator[tuple[str, Any]]:
    """(field, text) for each field of a stored Rasa event (tracker store or analytics sink) of
    type `kind` that can hold what a citizen wrote or a value taken from it: the message texts
    (a bot response may quote a slot), entity and slot values, a message's client metadata.

    Nothing else is looked at: ids, hashes, timestamps, intent and action names, confidences
    and the model ids in actions' metadata are the store's own, and random ids look like
    mistyped IBANs or SIRENs. A value may be missing or not a string: the caller keeps strings."""
    parse_data = event.get("parse_data") or {}
    yield "text", event.get("text")
    yield "text", parse_data.get("text")
    for entity in [*(event.get("entities") or ()), *(parse_data.get("entities") or ())]:
        yield "entity", entity.get("value") if isinstance(entity, dict) else None
    if kind == "user":
        for text in _strings([event.get("metadata"), parse_data.get("metadata")]):
            yield "metadata", text
    elif kind == "slot":
        for text in _strings(event.get("value")):
            yield "slot", text


@dataclass(frozen=True)
class Finding:
    table: str
    row_id: int
    field: str
    entity_type: str
    score: float
    masked: str

    def line(self) -> str:
        return f"  {self.table} row {self.row_id}, {self.field}: {self.masked} ({self.score:.2f})"


@dataclass
class ScanReport:
    """The residual candidates, and how much was scanned how fast."""

    findings: list[Finding] = field(default_factory=list)
    rows: int = 0
    messages: int = 0  # user and bot messages
    texts: int = 0  # citizen-text fields analysed
    seconds: float = 0.0

    @property
    def messages_per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def top_score(self, entity_type: str) -> float:
        return max(f.score for f in self.findings if f.entity_type == entity_type)

    def kinds(self) -> list[str]:
        """The entity types found, highest score first, then the most frequent."""
        counts = Counter(finding.entity_type for finding in self.findings)
        return sorted(counts, key=lambda kind: (-self.top_score(kind), -counts[kind], kind))

    @property
    def text(self) -> str:
        lines = [
            f"Scanned {self.rows} stored rows ({self.messages} messages, {self.texts} "
            f"citizen-text fields) in {self.seconds:.2f} s: "
            f"{self.messages_per_second:.0f} messages per second."
        ]
        if not self.findings:
            return "\n".join([*lines, "no residual candidate"])
        for kind in self.kinds():
            found = sorted(
                (f for f in self.findings if f.entity_type == kind),
                key=lambda f: (-f.score, f.table, f.row_id),
            )
            lines.append(f"{kind}: {len(found)} (highest score {found[0].score:.2f})")
            lines += [finding.line() for finding in found]
        return "\n".join(lines)


def _stored_events(store: RedactingSQLTrackerStore) -> Iterator[tuple[str, int, str, dict]]:
    """(table, row id, event type, event) for every stored event: tracker store, then
    analytics sink. The receipts hold only counts and hashed references: nothing to scan."""
    tables = [("events", store.session_scope, store.SQLEvent)]
    if isinstance(store.event_broker, RedactingSQLEventBroker):
        tables.append(("analytics_events", store.event_broker.session, AnalyticsEvent))
    for table, session_scope, model in tables:
        with session_scope() as session:
            query = session.query(model.id, model.type_name, model.data).yield_per(1000)
            for row_id, type_name, data in query:
                event = json.loads(data)
                yield table, row_id, event.get("event") or type_name, event


def _masked(value: str) -> str:
    """Show the auditor where a candidate is without printing it whole."""
    return re.sub(r"(?<=\w)\w", "*", value)


def scan(store: RedactingSQLTrackerStore, redactor: Redactor) -> ScanReport:
    """A second detection pass over the citizen-text fields of everything stored."""
    report = ScanReport()
    known: OrderedDict[str, tuple] = OrderedDict()  # text -> its findings
    started = time.perf_counter()
    for table, row_id, kind, event in _stored_events(store):
        report.rows += 1
        report.messages += kind in ("user", "bot")
        seen = set()
        for field_name, text in citizen_texts(event, kind):
            if not isinstance(text, str) or (field_name, text) in seen:
                continue
            seen.add((field_name, text))
            report.texts += 1
            for entity_type, score, value in _analysed(redactor, known, text):
                report.findings.append(
                    Finding(table, row_id, field_name, entity_type, score, value)
                )
    report.seconds = time.perf_counter() - started
    return report


def _analysed(redactor: Redactor, known: OrderedDict, text: str) -> tuple:
    """(entity type, score, masked value) of each candidate in a text, placeholders aside;
    remembered for the texts seen last (bot answers and repeated questions)."""
    if text in known:
        known.move_to_end(text)
        return known[text]
    cleaned = PLACEHOLDER.sub(" ", text)
    found = tuple(
        (finding.entity_type, finding.score, _masked(cleaned[finding.start : finding.end]))
        for finding in (redactor.analyze(cleaned) if cleaned.strip() else ())
    )
    known[text] = found
    if len(known) > SCAN_CACHE_SIZE:
        known.popitem(last=False)
    return found


@dataclass(frozen=True)
class Verification:
    ok: bool
    text: str
    head: str


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def verify(store: RedactingSQLTrackerStore, head: str | None = None) -> Verification:
    """`guichet audit verify`: the receipts' hash chain and counts (bot.privacy.receipts), and
    that no erased conversation still has rows from before its erasure."""
    rows = store.receipt_log.rows()
    check = verify_chain(rows, head)
    if check.broken:
        return Verification(False, f"BROKEN: {check.broken}", check.head)
    erased: dict[
        str, tuple
    ] = {}  # conversation reference -> (timestamp, receipt id) of its latest erasure
    for row in rows:
        if row.kind == "erasure" and row.conversation:
            erased[row.conversation] = max(
                erased.get(row.conversation, (0.0, 0)), (row.timestamp, row.id)
            )
    resurrected = _resurrected(store, erased)
    if resurrected:
        return Verification(False, f"BROKEN: {resurrected}", check.head)
    kinds = ", ".join(_count(n, kind) for kind, n in sorted(check.kinds.items()))
    span = f"#{check.first_id} to #{check.last_id}: {kinds}" if check.chained else "none yet"
    start = (
        "it starts after receipts purged at the end of their retention period (the "
        "purge's receipt keeps the hash of the last one)"
        if check.anchored
        else "it starts at its first receipt"
    )
    lines = [
        f"OK: {_count(check.chained, 'receipt')} chained ({span}); every hash, link and count "
        f"checked; {start}.",
        f"{_count(check.unchained, 'receipt')} from before the chain (no hash, not verifiable).",
        f"No erased conversation has rows from before its erasure "
        f"({_count(len(erased), 'erased conversation')} checked in events and analytics).",
        f"Head: {check.head} (keep it: `guichet audit verify --head {check.head}` later shows "
        "whether receipts were cut off the end of the chain).",
    ]
    return Verification(True, "\n".join(lines), check.head)


def _resurrected(store: RedactingSQLTrackerStore, erased: dict) -> str | None:
    """The first erased conversation that has rows again from before its erasure (a restored
    backup, a replayed queue); rows written after it are a new conversation under that id."""
    if not erased:
        return None
    SQLEvent = store.SQLEvent
    with store.session_scope() as session:
        oldest = session.query(SQLEvent.sender_id, sa.func.min(SQLEvent.timestamp)).group_by(
            SQLEvent.sender_id
        )
        for sender_id, first in oldest:
            reference = sender_reference(sender_id)
            if reference in erased and first is not None and first <= erased[reference][0]:
                return _still_there(reference, erased[reference][1], "events")
    sink = store.event_broker
    if isinstance(sink, RedactingSQLEventBroker):
        references = sorted(erased)
        with sink.session() as session:
            for start in range(0, len(references), 500):
                oldest = session.query(
                    AnalyticsEvent.conversation, sa.func.min(AnalyticsEvent.timestamp)
                ).filter(AnalyticsEvent.conversation.in_(references[start : start + 500]))
                for reference, first in oldest.group_by(AnalyticsEvent.conversation):
                    if first is not None and first <= erased[reference][0]:
                        return _still_there(reference, erased[reference][1], "analytics_events")
    return None


def _still_there(reference: str, receipt_id: int, table: str) -> str:
    return (
        f"erased conversation {reference} (receipt #{receipt_id}) still has rows in "
        f"{table} from before its erasure"
    )
