"""Auditor's evidence: the receipts' hash chain (`guichet audit verify`) and the residual scan
(`guichet audit scan`), on SQLite and on the local PostgreSQL (127.0.0.1:5432, db `test`)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid

import psycopg2
import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from anonymization import Redactor
from bot import cli
from bot.privacy import audit
from bot.privacy.brokers import AnalyticsEvent, RedactingSQLEventBroker
from bot.privacy.receipts import GENESIS, ReceiptRow
from bot.privacy.retention import Retention
from bot.privacy.store import RedactingSQLTrackerStore, sender_reference
from tests.test_stores import DOMAIN, user_message

pytestmark = pytest.mark.services

DAY = 86400
RETENTION = Retention({"conversations": 30, "analytics": 365, "receipts": 1095})
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor.from_policy()


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    """Connection options of the tracker database and the analytics sink: two SQLite files,
    or two throwaway databases on the local PostgreSQL."""
    if request.param == "sqlite":
        yield (
            {"dialect": "sqlite", "db": str(tmp_path / "guichet.db")},
            {"dialect": "sqlite", "db": str(tmp_path / "analytics.db")},
        )
        return
    names = [f"guichet_verify_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    admin = psycopg2.connect(**POSTGRES)
    admin.autocommit = True
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(
            {
                "dialect": "postgresql",
                "host": POSTGRES["host"],
                "port": POSTGRES["port"],
                "username": POSTGRES["user"],
                "db": name,
            }
            for name in names
        )
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def make_store(databases, redactor) -> RedactingSQLTrackerStore:
    tracker_options, sink_options = databases
    return RedactingSQLTrackerStore(
        domain=DOMAIN,
        redactor=redactor,
        event_broker=RedactingSQLEventBroker(**sink_options),
        retention=RETENTION,
        purge_in_background=False,
        **tracker_options,
    )


@pytest.fixture
def store(databases, redactor) -> RedactingSQLTrackerStore:
    store = make_store(databases, redactor)
    yield store
    store.engine.dispose()
    store.event_broker.engine.dispose()


def converse(
    store, sender: str, text: str = "combien coûte un passeport ?", at: float = 0.0
) -> None:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in (
        ActionExecuted("action_listen"),
        user_message(text),
        ActionExecuted("action_answer_procedure"),
        SlotSet("procedure", "passeport"),
        BotUttered("86 € : https://www.service-public.fr/particuliers/vosdroits/F21089"),
    ):
        event.timestamp = at or event.timestamp
        tracker.update(event)
    asyncio.run(store.save(tracker))


def execute(store, statement: str, **values) -> None:
    with store.engine.begin() as connection:
        connection.execute(sa.text(statement), values)


def receipt_ids(store) -> list[int]:
    with store.session_scope() as session:
        return [row_id for (row_id,) in session.query(ReceiptRow.id).order_by(ReceiptRow.id)]


@pytest.fixture
def history(store):
    """Three conversations, two erased, then a purge: three chained receipts."""
    for sender in ("keep", "erase-1", "erase-2"):
        converse(store, sender)
    store.erase("erase-1")
    store.erase("erase-2")
    store.purge()
    return store


# ---- The receipts' hash chain ------------------------------------------------------------------


def test_an_untouched_history_verifies(history):
    result = audit.verify(history)
    assert result.ok, result.text
    assert result.text.startswith("OK")
    assert "3 receipts chained" in result.text and "2 erasures" in result.text
    assert result.head in result.text and len(result.head) == 64


def test_each_receipt_includes_the_hash_of_the_previous_one(history):
    with history.session_scope() as session:
        rows = session.query(ReceiptRow).order_by(ReceiptRow.id).all()
        chain = [(row.previous_hash, row.hash) for row in rows]
    assert chain[0][0] == GENESIS
    assert [previous for previous, _ in chain[1:]] == [digest for _, digest in chain[:-1]]


def test_a_tampered_receipt_is_the_first_broken_link(history):
    first, second, _ = receipt_ids(history)
    execute(
        history,
        "UPDATE privacy_receipts SET data = :data WHERE id = :id",
        data=json.dumps({"conversation_events": 0, "analytics_events": 0}),
        id=second,
    )
    result = audit.verify(history)
    assert not result.ok
    assert result.text.startswith("BROKEN") and f"receipt #{second}" in result.text
    assert "does not match its hash" in result.text


def test_a_deleted_receipt_breaks_the_link_of_the_next_one(history):
    first, second, third = receipt_ids(history)
    execute(history, "DELETE FROM privacy_receipts WHERE id = :id", id=second)
    result = audit.verify(history)
    assert not result.ok and f"receipt #{third}" in result.text
    assert f"does not follow receipt #{first}" in result.text


def test_a_resurrected_erased_conversation_is_found(history, redactor):
    # A backup restored after the erasure brings the old rows back.
    converse(history, "erase-1", at=1_700_000_000.0)
    result = audit.verify(history)
    assert not result.ok
    assert f"erased conversation {sender_reference('erase-1')}" in result.text
    assert "erase-1" not in result.text.replace(sender_reference("erase-1"), "")


def test_a_new_conversation_under_an_erased_id_is_not_a_resurrection(history):
    converse(history, "erase-2")  # "supprimez ma conversation", then the citizen writes again
    assert audit.verify(history).ok


def test_receipts_from_before_the_chain_are_reported_not_verified(store):
    execute(
        store,
        "INSERT INTO privacy_receipts (timestamp, kind, conversation, data) "
        "VALUES (1.0, 'purge', NULL, '{\"receipts\": 0}')",
    )
    store.erase("someone")
    result = audit.verify(store)
    assert result.ok, result.text
    assert "1 receipt from before the chain" in result.text
    # An unchained receipt after the chain started was not written by Guichet.
    execute(
        store,
        "INSERT INTO privacy_receipts (timestamp, kind, conversation, data) "
        "VALUES (2.0, 'purge', NULL, '{\"receipts\": 0}')",
    )
    assert not audit.verify(store).ok


def engine_of(options: dict) -> sa.engine.Engine:
    if options["dialect"] == "sqlite":
        return sa.create_engine(f"sqlite:///{options['db']}")
    return sa.create_engine(
        sa.engine.URL.create(
            "postgresql",
            username=options["username"],
            host=options["host"],
            port=options["port"],
            database=options["db"],
        )
    )


def test_a_receipts_table_from_before_the_chain_is_upgraded(databases, redactor):
    engine = engine_of(databases[0])
    old = sa.MetaData()
    table = sa.Table(
        "privacy_receipts",
        old,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("timestamp", sa.Float, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("conversation", sa.String(64)),
        sa.Column("data", sa.Text, nullable=False),
    )
    old.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            table.insert(),
            [
                {"timestamp": 1.0, "kind": "purge", "conversation": None, "data": "{}"},
                {
                    "timestamp": 2.0,
                    "kind": "erasure",
                    "conversation": "0" * 16,
                    "data": '{"conversation_events": 3}',
                },
            ],
        )
    engine.dispose()
    store = make_store(databases, redactor)
    store.erase("after-the-upgrade")
    result = audit.verify(store)
    assert result.ok, result.text
    assert "2 receipts from before the chain" in result.text and "1 receipt chained" in result.text
    store.engine.dispose()
    store.event_broker.engine.dispose()


def test_a_purge_of_old_receipts_keeps_the_chain_verifiable(store):
    now = time.time() + 30 * DAY
    for days_ago in (1300, 1250, 1200):  # receipts past their 3 years
        store.purge(now=now - days_ago * DAY)
    store.erase("recent")
    receipt = store.purge(now=now)
    assert receipt.rows["receipts"] == 3
    result = audit.verify(store)
    assert result.ok, result.text
    assert "2 receipts chained" in result.text and "purged" in result.text
    store.purge(now=now + 1200 * DAY)  # every receipt is now past its period
    result = audit.verify(store)
    assert result.ok, result.text
    assert "1 receipt chained" in result.text


def test_truncating_the_end_of_the_chain_is_found_with_an_earlier_head(history):
    head = audit.verify(history).head
    history.erase("keep")
    assert audit.verify(history, head=head).ok
    last = receipt_ids(history)[-1]
    execute(history, "DELETE FROM privacy_receipts WHERE id = :id", id=last)
    assert audit.verify(history, head=head).ok, "the earlier head is still there"
    execute(history, "DELETE FROM privacy_receipts WHERE id = :id", id=last - 1)
    result = audit.verify(history, head=head)
    assert not result.ok and head in result.text


def test_receipts_written_at_once_by_two_instances_form_one_chain(databases, redactor):
    stores = [make_store(databases, redactor) for _ in range(2)]
    threads = [
        threading.Thread(target=lambda s=s, n=n: [s.erase(f"c{n}-{i}") for i in range(15)])
        for n, s in enumerate(stores)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = audit.verify(stores[0])
    assert result.ok, result.text
    assert "30 receipts chained" in result.text


def test_verify_command_exit_code(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    assert cli.main(["erase", "0" * 32]) == 0
    assert cli.main(["erase", "1" * 32]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("OK")
    store = cli._stores()
    execute(store, "UPDATE privacy_receipts SET kind = 'purge' WHERE id = 1")
    assert cli.main(["audit", "verify"]) == 1
    assert capsys.readouterr().out.startswith("BROKEN: receipt #1")


# ---- The residual scan ---------------------------------------------------------------------------

# Residual personal data that escaped redaction (an older version, a failed recognizer): the
# table, the row's citizen-text field it is put in, the text, and the type the scan must report.
SEEDED = [
    ("events", "text", "mon numéro de sécurité sociale est le 1 85 05 78 006 084 36", "FR_NIR"),
    ("events", "text", "virez sur FR76 3000 6000 0112 3456 7890 189", "IBAN_CODE"),
    ("events", "slot", "jeanne.dupontel@example.org", "EMAIL_ADDRESS"),
    ("events", "entity", "06 12 34 56 78", "PHONE_NUMBER"),
    ("events", "metadata", "203.0.113.7", "IP_ADDRESS"),
    ("analytics_events", "text", "appelez-moi au 07 81 22 33 44", "PHONE_NUMBER"),
    ("analytics_events", "text", "numéro siren de mon entreprise : 732 829 320", "FR_SIREN"),
    ("analytics_events", "text", "ma plaque AB-123-CD", "LICENSE_PLATE"),
]
# Ids that look like identifiers: a valid SIREN, a valid IBAN, digits only.
LOOKALIKE_IDS = ["732829320", "FR7630006000011234567890189", "185057800608436"]


def residual_event(field: str, text: str) -> dict:
    event = {
        "event": "user",
        "timestamp": 1_800_000_000.0,
        "text": "bonjour",
        "message_id": uuid.uuid4().hex,
        "metadata": {},
        "parse_data": {
            "text": "bonjour",
            "intent": {"name": "greet", "confidence": 0.9},
            "entities": [],
            "message_id": uuid.uuid4().hex,
        },
    }
    if field == "text":
        event["text"] = event["parse_data"]["text"] = text
    elif field == "entity":
        event["parse_data"]["entities"] = [{"entity": "phone", "value": text}]
    elif field == "metadata":
        event["metadata"] = {"ip": text}
    elif field == "slot":
        event = {"event": "slot", "timestamp": 1_800_000_000.0, "name": "contact", "value": text}
    return event


def seed_residuals(store) -> dict[tuple[str, int], str]:
    """Insert the residual rows directly, as a store without redaction would have; return
    (table, row id) -> expected type."""
    expected = {}
    sink = store.event_broker
    for table, field, text, kind in SEEDED:
        event = residual_event(field, text)
        if table == "events":
            with store.session_scope() as session:
                row = store.SQLEvent(
                    sender_id=uuid.uuid4().hex,
                    type_name=event["event"],
                    timestamp=event["timestamp"],
                    data=json.dumps(event),
                )
                session.add(row)
                session.commit()
                expected[(table, row.id)] = kind
        else:
            with sink.session() as session:
                row = AnalyticsEvent(
                    conversation=sender_reference(uuid.uuid4().hex),
                    timestamp=event["timestamp"],
                    type_name=event["event"],
                    detections="{}",
                    redaction_failures=0,
                    data=json.dumps(event),
                )
                session.add(row)
                session.flush()
                expected[(table, row.id)] = kind
    return expected


def test_the_scan_finds_every_seeded_residual_and_nothing_in_ids(store, redactor):
    senders = [uuid.uuid4().hex for _ in range(300)] + LOOKALIKE_IDS
    for number, sender in enumerate(senders):
        # Redacted on the way in: placeholders, never the values, are stored.
        text = (
            f"je suis Jeanne Dupontel, mon numéro est le 06 12 34 56 {number % 90 + 10:02d}"
            if number % 10 == 0
            else "combien coûte un passeport ?"
        )
        converse(store, sender, text)
    with store.session_scope() as session:  # ids shaped like personal data, in id fields
        session.add(
            store.SQLEvent(
                sender_id=LOOKALIKE_IDS[0],
                type_name="user",
                timestamp=1.0,
                data=json.dumps({"event": "user", "text": "merci", "message_id": LOOKALIKE_IDS[1]}),
            )
        )
        session.commit()
    expected = seed_residuals(store)

    report = audit.scan(store, redactor)
    found = {(finding.table, finding.row_id): finding.entity_type for finding in report.findings}
    assert found == expected, "everything seeded, and nothing else (ids, hashes, placeholders)"
    assert report.messages > 600 and report.messages_per_second > 0
    text = report.text
    assert "messages per second" in text
    groups = [line for line in text.splitlines() if line and not line.startswith((" ", "Scanned"))]
    assert groups[0].startswith("PHONE_NUMBER: 2"), "grouped by type, with counts"
    scores = [report.top_score(kind) for kind in report.kinds()]
    assert scores == sorted(scores, reverse=True), "highest score first"
    for _, _, value, _ in SEEDED:
        assert value not in text, "candidates are masked"


def test_scan_command_exit_code(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    assert cli.main(["erase", "0" * 32]) == 0
    assert cli.main(["audit", "scan"]) == 0
    assert "no residual candidate" in capsys.readouterr().out
