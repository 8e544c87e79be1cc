"""The redacting log filter: messages, arguments and tracebacks come out redacted."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.privacy.logs import FAILED_PLACEHOLDER, LogRedactor, RedactingFilter
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
