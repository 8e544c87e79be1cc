"""Auditor tooling over the redacted analytics sink and tracker store.

- `report`: a self-contained HTML page of figures and inline PNG plots;
- `export`: JSONL, one redacted conversation per line (hashed reference, events);
- `scan`: a second detection pass over everything stored, listing residual candidates.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after the headless backend is chosen)

from anonymization import Redactor  # noqa: E402
from bot.brokers import AnalyticsEvent, RedactingSQLEventBroker  # noqa: E402
from bot.stores import ReceiptRow, RedactingSQLTrackerStore  # noqa: E402

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


def _bar_chart(title: str, counts: Counter, horizontal: bool = False, top: int = 10) -> str:
    """A bar chart as an inline <img> (base64 PNG)."""
    items = sorted(counts.items()) if not horizontal else counts.most_common(top)[::-1]
    figure, axes = plt.subplots(figsize=(7, 3.2))
    labels, values = [str(label) for label, _ in items], [value for _, value in items]
    if not items:
        axes.text(0.5, 0.5, "aucune donnée", ha="center", va="center")
        axes.set_axis_off()
    elif horizontal:
        axes.barh(labels, values, color="#000091")
    else:
        axes.bar(labels, values, color="#000091")
        axes.tick_params(axis="x", labelrotation=45)
    axes.set_title(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(title)}" src="data:image/png;base64,{encoded}">'


def render_report(figures: Figures, since: str) -> str:
    summary = [
        ("Conversations", figures.conversations),
        ("Messages des usagers", figures.user_turns),
        ("Taux d'incompréhension (fallback)", f"{figures.fallback_rate:.1%}"),
        ("Conversations avec orientation vers un humain", f"{figures.handoff_rate:.1%}"),
        ("Données personnelles détectées et masquées", sum(figures.detections.values())),
        ("Échecs d'anonymisation (remplacés par un marqueur)",
         sum(figures.failures_per_day.values())),
    ]
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(str(value))}</td></tr>"
        for label, value in summary
    )
    charts = [
        _bar_chart("Conversations par jour", figures.conversations_per_day),
        _bar_chart("Intentions les plus fréquentes", figures.intents, horizontal=True),
        _bar_chart("Détections par type de donnée", figures.detections, horizontal=True),
        _bar_chart("Sources officielles citées", figures.sources, horizontal=True),
        _bar_chart("Échecs d'anonymisation par jour", figures.failures_per_day),
    ]
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Guichet : rapport d'audit</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}}
th{{text-align:left;padding-right:2em}}img{{display:block;margin:1em 0}}</style></head>
<body><h1>Guichet : rapport d'audit</h1>
<p>Depuis le {html.escape(since)}. Calculé sur les événements anonymisés du puits analytique :
aucune donnée personnelle n'y figure, seulement des marqueurs typés.</p>
<table>{rows}</table>
{"".join(charts)}
</body></html>
"""


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
IDENTIFIER_KEYS = frozenset({
    "message_id", "sender_id", "event_id", "conversation", "model_id", "assistant_id", "hash",
})


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
