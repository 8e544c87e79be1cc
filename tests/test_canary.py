"""End to end: canary personal data goes through the real servers; none of it is stored.

The conversation runs at DEBUG level (Rasa then logs user text) against SQLite, and at the
default level against the local PostgreSQL. Afterwards every file under the data directory,
the captured log output and every database row are searched for the canaries, with JSON
escapes decoded and separators removed. HTTP erasure is checked on the same server.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from pathlib import Path

import psycopg2
import pytest

from bot.tools.topology import production_services
from tests.conftest import start_assistant, stop_assistant

pytestmark = pytest.mark.services

NIR = "1 85 05 78 006 084 91"  # key 91 = 97 - (1850578006084 mod 97)
IBAN = "FR76 3000 6000 0112 3456 7890 189"
CONVERSATION = [
    "Bonjour, je m'appelle Maëlys Kerbrat-Quéméner",
    "Je veux refaire mon passeport",
    f"Mon numéro de sécurité sociale est {NIR}",
    f"Mon IBAN est {IBAN}, combien ça coûte ?",
    "Appelez-moi au 06 71 82 93 04 ou écrivez à maelys.kerbrat@orange.fr",
    "J'habite au 17 bis rue des Églantiers 29200 Brest, où faire la demande ?",
]
CANARIES = [
    "Maëlys",
    "Kerbrat",
    "Quéméner",
    NIR,
    IBAN,
    "06 71 82 93 04",
    "maelys.kerbrat",
    "Églantiers",
]
POSTGRES = {"host": "127.0.0.1", "user": "postgres", "dbname": "test"}


def _decoded(text: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match.group(1), 16)), text)


def _compact(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text).lower()


def canaries_in(text: str) -> list[str]:
    text = _decoded(text)
    return [c for c in CANARIES if c in text or _compact(c) in _compact(text)]


def rows_text(connection, tables: list[str]) -> str:
    """Every value of every row, JSON values decoded (psycopg2 and sqlite3 alike)."""
    values = []
    cursor = connection.cursor()
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the catalogue)
        for row in cursor.fetchall():
            for value in row:
                try:
                    values.append(json.dumps(json.loads(value), ensure_ascii=False))
                except (TypeError, ValueError):
                    values.append(str(value))
    return "\n".join(values)


def converse(assistant, sender: str) -> list[str]:
    return [assistant.say(sender, text) for text in CONVERSATION]


def files_text(directory: Path) -> str:
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace")
        for path in directory.rglob("*")
        if path.is_file()
    )


@pytest.fixture(scope="module")
def debug_assistant(tmp_path_factory):
    running = start_assistant(tmp_path_factory.mktemp("canary"), {"LOG_LEVEL": "DEBUG"})
    yield running
    stop_assistant(running)


def sqlite_rows(data_dir: Path) -> str:
    texts = []
    for database in data_dir.glob("*.db"):
        with sqlite3.connect(database) as connection:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            ]
            texts.append(rows_text(connection, tables))
    return "\n".join(texts)


def test_no_canary_in_files_logs_or_rows_with_sqlite_at_debug_level(debug_assistant):
    replies = converse(debug_assistant, uuid.uuid4().hex)
    assert "passeport" in "\n".join(replies).lower()  # the conversation really happened
    log = "".join(debug_assistant.output)
    assert "DEBUG" in log and "<PERSON_1>" in log  # DEBUG output was produced, redacted
    assert canaries_in(log) == []
    assert canaries_in(files_text(debug_assistant.data_dir)) == []
    stored = sqlite_rows(debug_assistant.data_dir)
    assert "<FR_NIR_1>" in stored and "<IBAN_CODE_1>" in stored
    assert canaries_in(stored) == []


def test_http_erasure_removes_the_conversation_everywhere_and_returns_a_receipt(
    debug_assistant,
):
    sender = uuid.uuid4().hex
    debug_assistant.say(sender, "Combien coûte un passeport ?")
    status, receipt = debug_assistant.delete(f"/webhooks/erasure/conversations/{sender}")
    assert status == 200
    assert receipt["kind"] == "erasure" and receipt["when"]
    assert receipt["rows_deleted"]["conversation_events"] > 0
    assert receipt["rows_deleted"]["analytics_events"] > 0
    with sqlite3.connect(debug_assistant.data_dir / "guichet.db") as connection:
        left = connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,))
        assert left.fetchone() == (0,)
    (logged,) = debug_assistant.lines_once_logged(
        "Privacy receipt: erasure", receipt["conversation_reference"]
    )
    assert sender not in logged
    assert debug_assistant.delete("/webhooks/erasure/conversations/guessable")[0] == 404


@pytest.fixture
def services():
    """endpoints.production.yml: PostgreSQL, Redis locks, RabbitMQ analytics stream."""
    with production_services() as env:
        yield env


def test_no_canary_in_files_logs_or_rows_with_postgresql(tmp_path, services):
    assistant = start_assistant(tmp_path, services)
    try:
        converse(assistant, uuid.uuid4().hex)
    finally:
        stop_assistant(assistant)
    assert canaries_in("".join(assistant.output)) == []
    assert canaries_in(files_text(tmp_path)) == []
    assert not list(tmp_path.rglob("*.db"))  # everything went to PostgreSQL
    with psycopg2.connect(**{**POSTGRES, "dbname": services["GUICHET_DB_NAME"]}) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [name for (name,) in cursor.fetchall()]
        stored = rows_text(connection, tables)
    connection.close()
    assert {"events", "privacy_receipts"} <= set(tables)
    assert "<FR_NIR_1>" in stored
    assert canaries_in(stored) == []
