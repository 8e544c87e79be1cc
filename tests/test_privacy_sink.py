"""Analytics sink, fail closed, retention (fake clock), erasure and audit tools, in-process."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.shared.core.trackers import DialogueStateTracker

from anonymization import Redactor
from bot.privacy import audit
from bot.privacy.brokers import AnalyticsEvent, RedactingSQLEventBroker
from bot.privacy.events import sender_reference
from bot.privacy.retention import Retention
from bot.privacy.store import RedactingSQLTrackerStore
from bot.tools.audit_report import render_report
from tests.test_stores import DOMAIN, NAME, PHONE, user_message

pytestmark = pytest.mark.unit

DAY = 86400
RETENTION = Retention({"conversations": 30, "analytics": 365, "receipts": 1095})


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor.from_policy()


@pytest.fixture
def sink(tmp_path) -> RedactingSQLEventBroker:
    return RedactingSQLEventBroker(db=str(tmp_path / "analytics.db"))


def open_store(tmp_path, redactor, sink) -> RedactingSQLTrackerStore:
    """The redacting store on SQLite in `tmp_path`, publishing to `sink`; purges on demand."""
    return RedactingSQLTrackerStore(
        domain=DOMAIN,
        dialect="sqlite",
        db=str(tmp_path / "guichet.db"),
        redactor=redactor,
        event_broker=sink,
        retention=RETENTION,
        purge_in_background=False,
    )


@pytest.fixture
def store(tmp_path, redactor, sink) -> RedactingSQLTrackerStore:
    return open_store(tmp_path, redactor, sink)


def converse(store, sender: str, at: float = 0.0) -> None:
    """One turn; `at` (epoch seconds) stamps every event, as a fake clock would."""
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    events = [
        ActionExecuted("action_listen"),
        user_message(f"je suis {NAME}, tel {PHONE}, combien coûte un passeport ?"),
        ActionExecuted("action_answer"),
        BotUttered("86 € : https://www.service-public.fr/particuliers/vosdroits/F21089"),
    ]
    for event in events:
        event.timestamp = at or event.timestamp
        tracker.update(event)
    asyncio.run(store.save(tracker))


def sink_rows(sink) -> list[AnalyticsEvent]:
    with sink.session() as session:
        rows = session.query(AnalyticsEvent).all()
        session.expunge_all()
        return rows


def test_sink_gets_redacted_events_hashed_sender_and_detection_counts(store, sink):
    converse(store, "citizen-1")
    rows = sink_rows(sink)
    stored = "\n".join(row.data + row.conversation for row in rows)
    for raw in (NAME, PHONE, "203.0.113.7", "Mozilla", "citizen-1"):
        assert raw not in stored
    user = next(row for row in rows if row.type_name == "user")
    assert user.conversation == sender_reference("citizen-1")
    assert json.loads(user.detections) == {"PERSON": 1, "PHONE_NUMBER": 1}
    assert json.loads(user.data)["metadata"] == {}


def test_raw_events_published_by_rasa_itself_are_redacted_by_the_broker(sink):
    event = {"sender_id": "citizen-2", **user_message(f"je suis {NAME}").as_dict()}
    sink.publish(event)  # e.g. Rasa's fail-safe in-memory tracker store
    (row,) = sink_rows(sink)
    assert NAME not in row.data and "<PERSON_1>" in row.data and "203.0.113.7" not in row.data


def test_redaction_failures_are_counted_in_the_sink_and_shown_in_the_report(
    store, sink, redactor, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("recognizer crashed")

    monkeypatch.setattr(redactor, "analyze", broken)
    converse(store, "citizen-3")
    rows = sink_rows(sink)
    # the user message, its entity value and the bot message
    assert sum(row.redaction_failures for row in rows) == 3
    assert NAME not in "".join(row.data for row in rows)
    figures = audit.compute_figures(sink)
    assert sum(figures.failures_per_day.values()) == 3
    page = render_report(figures, "1970-01-01")
    assert "Échecs d&#x27;anonymisation (remplacés par un marqueur)</th><td>3</td>" in page


def test_purge_deletes_only_what_is_older_than_its_retention_period(store, sink):
    now = 1_800_000_000.0
    converse(store, "old", at=now - 40 * DAY)  # conversation and analytics: 40 days old
    converse(store, "recent", at=now - 2 * DAY)
    receipt = store.purge(now=now)
    assert receipt.rows["conversation_events"] == 4 and receipt.rows["analytics_events"] == 0
    assert asyncio.run(store.retrieve("old")) is None
    assert asyncio.run(store.retrieve("recent")) is not None
    assert store.purge(now=now + 400 * DAY).rows["analytics_events"] == 8
    assert [r.kind for r in store.receipts()] == ["purge", "purge"]


def test_erase_removes_tracker_and_analytics_rows_and_keeps_a_receipt(store, sink):
    converse(store, "keep")
    converse(store, "erase-me")
    receipt = store.erase("erase-me")
    assert receipt.rows == {"conversation_events": 4, "analytics_events": 4}
    assert receipt.conversation == sender_reference("erase-me")
    assert {row.conversation for row in sink_rows(sink)} == {sender_reference("keep")}
    assert "erase-me" not in json.dumps(receipt.as_dict())


def test_audit_report_export_and_scan(store, sink, redactor):
    converse(store, "citizen-4")
    figures = audit.compute_figures(sink)
    assert figures.conversations == 1 and figures.intents == {"ask_cost": 1}
    assert figures.detections == {"PERSON": 1, "PHONE_NUMBER": 1}
    assert list(figures.sources) == ["https://www.service-public.fr/particuliers/vosdroits/F21089"]
    page = render_report(figures, "1970-01-01")
    assert page.count("data:image/png;base64,") == 5 and NAME not in page
    (line,) = audit.export_conversations(sink)
    exported = json.loads(line)
    assert exported["conversation"] == sender_reference("citizen-4")
    assert "<PERSON_1>" in line and NAME not in line
    assert audit.scan(store, redactor).findings == []


def test_scan_lists_residual_personal_data_masked(store, redactor):
    with store.session_scope() as session:
        session.add(
            store.SQLEvent(
                sender_id="legacy",
                type_name="user",
                timestamp=1.0,
                data=json.dumps({"text": f"appelez le {PHONE}"}),
            )
        )
        session.commit()
    report = audit.scan(store, redactor)
    (candidate,) = report.findings
    assert candidate.entity_type == "PHONE_NUMBER" and PHONE not in report.text


def test_scan_ignores_the_stores_own_identifiers(store, redactor):
    """Random ids may look like an IBAN; only fields that can hold citizen text are scanned."""
    iban_shaped = "FR7630006000011234567890189"
    with store.session_scope() as session:
        session.add(
            store.SQLEvent(
                sender_id="ids",
                type_name="user",
                timestamp=1.0,
                data=json.dumps(
                    {
                        "text": "bonjour",
                        "message_id": iban_shaped,
                        "parse_data": {"text": "bonjour", "message_id": iban_shaped},
                    }
                ),
            )
        )
        session.commit()
    assert audit.scan(store, redactor).findings == []
    with store.session_scope() as session:
        session.add(
            store.SQLEvent(
                sender_id="ids",
                type_name="user",
                timestamp=2.0,
                data=json.dumps({"text": f"mon iban {iban_shaped}"}),
            )
        )
        session.commit()
    report = audit.scan(store, redactor)
    (candidate,) = report.findings
    assert candidate.entity_type == "IBAN_CODE" and iban_shaped not in report.text


def test_a_batch_delivered_again_after_a_crash_is_not_stored_twice(tmp_path, redactor, monkeypatch):
    """The process died after the sink's database took a queued batch and before the
    outbox dropped it: on restart the batch comes again, followed by a later event."""
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    sink = RedactingSQLEventBroker(db=str(tmp_path / "analytics.db"))
    store = open_store(tmp_path, redactor, sink)
    converse(store, "s1")
    columns = (
        "conversation",
        "timestamp",
        "type_name",
        "intent_name",
        "action_name",
        "detections",
        "redaction_failures",
        "data",
    )
    delivered = [{column: getattr(row, column) for column in columns} for row in sink_rows(sink)]
    later = {**delivered[-1], "timestamp": 2e9, "data": json.dumps({"event": "action"})}
    sink.outbox.put([*delivered, later], key=delivered[0]["conversation"])
    assert sink.outbox.flush() == len(delivered) + 1
    assert [row.data for row in sink_rows(sink)] == [row["data"] for row in [*delivered, later]]
