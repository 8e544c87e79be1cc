"""The redacting SQL tracker store: only redacted events are persisted, and erasure is real."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from anonymization import Redactor
from bot.privacy.store import ERASURE_ACTION, RedactingSQLTrackerStore

pytestmark = pytest.mark.unit

DOMAIN = Domain.load("domain.yml")
NAME, PHONE = "Jeanne Dupontel", "06 12 34 56 78"


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor.from_policy()


@pytest.fixture
def database(tmp_path):
    return tmp_path / "trackers.db"


def make_store(database, redactor) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(
        domain=DOMAIN,
        dialect="sqlite",
        db=str(database),
        redactor=redactor,
        purge_in_background=False,
    )


def user_message(text: str, **entities) -> UserUttered:
    return UserUttered(
        text,
        intent={"name": "ask_cost", "confidence": 0.9},
        entities=[{"entity": k, "value": v, "start": 0, "end": 1} for k, v in entities.items()],
        parse_data={
            "text": text,
            "intent": {"name": "ask_cost", "confidence": 0.9},
            "entities": [{"entity": "procedure", "value": "passeport"}],
        },
        metadata={"ip": "203.0.113.7", "user_agent": "Mozilla/5.0"},
    )


def save(store, sender: str, events) -> None:
    tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))


def stored_text(database) -> str:
    """Every stored event, JSON-decoded so that escaped non-ASCII text is searchable too."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT data FROM events")
        return "\n".join(json.dumps(json.loads(data), ensure_ascii=False) for (data,) in rows)


def test_text_parse_data_entities_slots_and_metadata_are_redacted(database, redactor):
    store = make_store(database, redactor)
    save(
        store,
        "c1",
        [
            ActionExecuted("action_listen"),
            user_message(f"je suis {NAME}, tel {PHONE}, combien coûte un passeport ?", person=NAME),
            SlotSet("procedure", "passeport"),
            SlotSet("question", f"rappeler {NAME}"),
            BotUttered("Le passeport coûte 86 € pour un adulte."),
        ],
    )
    text = stored_text(database)
    for raw in (NAME, "Dupontel", PHONE, "203.0.113.7", "Mozilla"):
        assert raw not in text
    assert "<PERSON_1>" in text and "<PHONE_NUMBER_1>" in text
    assert "passeport" in text and "86 €" in text


def test_conversation_survives_a_restart(database, redactor):
    save(
        make_store(database, redactor),
        "c2",
        [
            ActionExecuted("action_listen"),
            user_message("combien coûte un passeport ?"),
            SlotSet("procedure", "passeport"),
        ],
    )
    restarted = make_store(database, redactor)
    tracker = asyncio.run(restarted.retrieve("c2"))
    assert tracker.get_slot("procedure") == "passeport"
    assert tracker.latest_message.text == "combien coûte un passeport ?"


def test_erasure_deletes_every_stored_event_of_that_conversation(database, redactor, caplog):
    store = make_store(database, redactor)
    save(store, "keep", [ActionExecuted("action_listen"), user_message("bonjour")])
    save(store, "erase-me", [ActionExecuted("action_listen"), user_message("bonjour")])
    caplog.set_level("INFO")
    erasure = [user_message("supprimez ma conversation"), ActionExecuted(ERASURE_ACTION)]
    save(store, "erase-me", erasure)
    assert asyncio.run(store.retrieve("erase-me")) is None
    assert asyncio.run(store.retrieve("keep")) is not None
    assert "Privacy receipt: erasure" in caplog.text and "erase-me" not in caplog.text


def test_redaction_failure_stores_a_placeholder_not_the_text(database, redactor, monkeypatch):
    store = make_store(database, redactor)

    def broken_analysis(*args, **kwargs):
        raise RuntimeError("recognizer crashed")

    monkeypatch.setattr(redactor, "analyze", broken_analysis)
    save(store, "c3", [ActionExecuted("action_listen"), user_message(f"je suis {NAME}")])
    text = stored_text(database)
    assert NAME not in text and "<REDACTION_FAILED>" in text


def test_texts_found_clean_are_not_analysed_again_but_personal_data_always_is(redactor):
    from bot.privacy.events import EventRedactor

    calls = []

    class CountingRedactor:
        def redact(self, text, conversation_id=None):
            calls.append(text)
            return redactor.redact(text, conversation_id=conversation_id)

    event_redactor = EventRedactor(CountingRedactor())
    answer = "Le passeport coûte 86 € pour un adulte."
    for _ in range(3):
        assert event_redactor.text(answer, "c4") == answer
        assert NAME not in event_redactor.text(f"je suis {NAME}", "c4")
    assert calls.count(answer) == 1
    assert calls.count(f"je suis {NAME}") == 3


def executed_statements(store) -> list[str]:
    """Collects the SQL statements the store's engine sends from now on (first word)."""
    statements: list[str] = []

    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def collect(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement.split()[0].upper())

    return statements


def test_a_turn_reads_once_and_writes_once(database, redactor):
    store = make_store(database, redactor)
    save(store, "c6", [ActionExecuted("action_listen"), user_message("bonjour")])
    statements = executed_statements(store)
    tracker = asyncio.run(store.retrieve("c6"))
    tracker.update(BotUttered("Bonjour, que puis-je pour vous ?"))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    # No count query: the store knows how many events of the tracker it built are stored.
    assert statements == ["SELECT", "INSERT"]
    asyncio.run(store.save(tracker))  # nothing new: nothing written
    assert statements == ["SELECT", "INSERT"]
    events = asyncio.run(make_store(database, redactor).retrieve("c6")).events
    assert [event.type_name for event in events] == ["action", "user", "bot", "action"]


def test_a_tracker_the_store_did_not_build_is_counted_in_the_database(database, redactor):
    """Another copy of the conversation (another instance's, Rasa's API): never trust a
    count recorded for a different tracker object."""
    store = make_store(database, redactor)
    save(store, "c7", [ActionExecuted("action_listen"), user_message("bonjour")])
    elsewhere = asyncio.run(make_store(database, redactor).retrieve("c7"))
    save(store, "c7", [BotUttered("Bonjour !"), ActionExecuted("action_listen")])
    elsewhere.update(BotUttered("Bonjour !"))
    elsewhere.update(ActionExecuted("action_listen"))
    elsewhere.update(user_message("merci"))
    asyncio.run(store.save(elsewhere))
    events = asyncio.run(make_store(database, redactor).retrieve("c7")).events
    assert [event.type_name for event in events] == ["action", "user", "bot", "action", "user"]


def test_erasure_then_a_new_turn_starts_from_nothing(database, redactor):
    store = make_store(database, redactor)
    save(store, "c8", [ActionExecuted("action_listen"), user_message(f"je suis {NAME}")])
    save(store, "c8", [ActionExecuted(ERASURE_ACTION)])
    assert asyncio.run(store.retrieve("c8")) is None
    save(store, "c8", [ActionExecuted("action_listen"), user_message("bonjour")])
    events = asyncio.run(store.retrieve("c8")).events
    assert [event.type_name for event in events] == ["action", "user"]
    assert NAME not in stored_text(database)


def test_a_batch_delivered_again_after_a_crash_is_not_stored_twice(tmp_path, redactor, monkeypatch):
    """The process died after the database took a queued batch and before the outbox
    dropped it: on restart the outbox delivers the batch again, with later events."""
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    database = tmp_path / "trackers.db"
    store = make_store(database, redactor)
    save(store, "c9", [ActionExecuted("action_listen"), user_message("bonjour")])
    with sqlite3.connect(database) as connection:
        delivered = [
            data
            for (data,) in connection.execute(
                "SELECT data FROM events WHERE sender_id = 'c9' ORDER BY id"
            )
        ]
    later = json.dumps({"event": "bot", "timestamp": 2e9, "text": "Bonjour !"})
    store.outbox.put([{"sender_id": "c9", "data": data} for data in [*delivered, later]], key="c9")
    assert store.outbox.flush() == 3
    with sqlite3.connect(database) as connection:
        stored = [
            data
            for (data,) in connection.execute(
                "SELECT data FROM events WHERE sender_id = 'c9' ORDER BY id"
            )
        ]
    assert stored == [*delivered, later]
