"""The redacting log filter: messages, arguments and tracebacks come out redacted, with code
(frames, exception class names, module paths, HTTP status lines) left readable."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
import sqlalchemy as sa

from bot.privacy import logs
from bot.privacy.logs import FAILED_PLACEHOLDER, LogRedactor, RedactingFilter
from tests.test_canary import CONVERSATION, canaries_in
from tests.test_stores import NAME, PHONE

pytestmark = pytest.mark.unit


def test_message_arguments_and_traceback_are_redacted():
    try:
        raise ValueError(f"no slot for {PHONE}")
    except ValueError:
        record = logging.getLogger("sanic.error").makeRecord(
            "sanic.error",
            logging.ERROR,
            __file__,
            1,
            "user said %r",
            (f"je suis {NAME}",),
            exc_info=sys.exc_info(),
        )
    RedactingFilter(LogRedactor()).filter(record)
    text = logging.Formatter().format(record)
    assert NAME not in text and PHONE not in text
    assert "<PERSON_1>" in text and "ValueError" in text


def test_log_redaction_fails_closed():
    redactor = LogRedactor()
    redactor._redactor = object()  # no redact(): every message fails
    assert redactor.text(f"je suis {NAME}") == FAILED_PLACEHOLDER


def test_widget_sender_ids_are_masked_because_they_are_erasure_tokens():
    sender_id = "0123456789abcdef0123456789abcdef"
    masked = LogRedactor().text(f"Received message from sender '{sender_id}'")
    assert sender_id not in masked and "<SENDER_ID>" in masked


def _raised(raise_it) -> tuple:
    try:
        raise_it()
    except Exception:  # noqa: BLE001 (any exception: its exc_info is the test's input)
        return sys.exc_info()
    raise AssertionError("nothing raised")


def _key_error():
    return {}[CONVERSATION[0]]


def _chained():
    try:
        json.loads("{" + CONVERSATION[4])
    except json.JSONDecodeError as error:
        raise RuntimeError(f"could not read {CONVERSATION[4]!r}") from error


def _database_error():
    raise sa.exc.IntegrityError(
        "INSERT INTO events (data) VALUES (%(data)s)",
        {"data": CONVERSATION[5]},
        ValueError("duplicate key value violates unique constraint"),
    )


def _with_note():
    error = ValueError(f"invalid literal for int() with base 10: {CONVERSATION[2]!r}")
    error.add_note(f"while reading {CONVERSATION[3]}")
    raise error


# Exceptions that quote what the citizen typed (the canaries of tests/test_canary.py), and
# the qualified names that must stay readable in their log lines.
QUOTING_EXCEPTIONS = [
    (_key_error, ["KeyError: "]),
    (
        _chained,
        [
            "json.decoder.JSONDecodeError: ",
            "RuntimeError: could not read '",
            "The above exception was the direct cause",
        ],
    ),
    (_database_error, ["sqlalchemy.exc.IntegrityError: (builtins.ValueError) duplicate key"]),
    (_with_note, ["ValueError: invalid literal for int() with base 10: '"]),
]


@pytest.mark.parametrize(
    ("raise_it", "readable"), QUOTING_EXCEPTIONS, ids=lambda value: getattr(value, "__name__", "")
)
def test_exceptions_quoting_user_text_keep_their_code_readable(raise_it, readable):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("guichet.test.canary")
    logger.addHandler(handler)
    try:
        logs.install()
        logger.error("The turn failed.", exc_info=_raised(raise_it))
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert canaries_in(text) == []
    assert "<REDACTION_FAILED>" not in text
    assert "Traceback (most recent call last):" in text
    assert f'File "{__file__}", line ' in text and f"in {raise_it.__name__}" in text
    for fragment in readable:
        assert fragment in text


@pytest.mark.parametrize(
    "line",
    [
        "Cannot connect to host 127.0.0.1:5055 ssl:default [Connect call failed]",
        "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 5055)",
        "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "
        '"127.0.0.1", port 5432 failed: Connection refused',
        "rasa.core.actions.action.ActionExecutionRejection in rasa.core.processor",
        "Ignoring the Sender of the Outbox: bot.privacy.outbox.Outbox",
        "HTTP/1.1 503 Service Unavailable",
        "Entity extractor: CatalogueEntityExtractor",
        '127.0.0.1:43212 - "POST /webhooks/rest/webhook HTTP/1.1" 200 512',
        "aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host localhost:5055",
        # A receipt's conversation reference that the redactor took for an IBAN (CI, 6 Dec).
        "Privacy receipt: erasure conversation ac08d94e930f7e31 at 2026-12-06T09:40:00+00:00: "
        "conversation_events=12, analytics_events=12",
    ],
)
def test_code_exception_names_module_paths_and_status_lines_stay_readable(line):
    assert LogRedactor().text(line) == line


def test_a_name_in_a_quoted_value_is_cut_at_the_closing_quote():
    redacted = LogRedactor().text(f"Received user message 'je suis {NAME}' with intent greet")
    assert redacted == "Received user message 'je suis <PERSON_1>' with intent greet"


@pytest.mark.parametrize(
    "text",
    [
        f"KeyError: '{NAME}'",
        "contact: maelys.kerbrat@orange.fr",
        f"bot.privacy {NAME}",
        f"{NAME}Error",
        "Errno " + CONVERSATION[2],
        "conversation FR76 3000 6000 0112 3456 7890 189",
    ],
)
def test_what_looks_like_code_never_lets_personal_data_through(text):
    assert canaries_in(LogRedactor().text(text)) == []
    assert NAME not in LogRedactor().text(text)
