"""Redacted logging for the Rasa server and the action server.

`install()` wraps the logging record factory, so every record, whatever its logger and
whichever handler prints it (root, Sanic access and error logs, files added later), carries
a redacted message; exception tracebacks are redacted too. Rasa 3.6 also renders structlog
events (which hold user text at DEBUG) as JSON with escaped accents before they reach
logging, so a structlog processor redacts their values first.

`python -m bot.privacy.logs MODULE ARGS...` installs it, then runs `python -m MODULE ARGS...`:
the launcher starts both servers this way.
"""

from __future__ import annotations

import logging
import re
import runpy
import sys
import threading
from typing import Any

import structlog

from bot.settings import SENDER_ID

FAILED_PLACEHOLDER = "<REDACTION_FAILED>"
SENDER_ID_IN_TEXT = re.compile(rf"(?<![0-9a-f]){SENDER_ID.pattern}(?![0-9a-f])")


class LogRedactor:
    """Redacts log text with the project's Redactor, loaded on first use, failing closed."""

    def __init__(self) -> None:
        self._redactor = None
        self._lock = threading.Lock()
        self._busy = threading.local()

    def text(self, text: str) -> str:
        if getattr(self._busy, "active", False):
            # A record logged by the redaction itself (spaCy, Presidio) may quote the text.
            return FAILED_PLACEHOLDER
        self._busy.active = True
        try:
            redacted = self._redactor_instance().redact(text).text
            return SENDER_ID_IN_TEXT.sub("<SENDER_ID>", redacted)
        except Exception:  # noqa: BLE001 (fail closed: never print the raw text)
            return FAILED_PLACEHOLDER
        finally:
            self._busy.active = False

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value

    def _redactor_instance(self):
        with self._lock:
            if self._redactor is None:
                from anonymization import Redactor

                self._redactor = Redactor.from_policy()
            return self._redactor


class RedactingFilter(logging.Filter):
    """Replaces a record's message (and traceback) by its redacted rendering."""

    def __init__(self, redactor: LogRedactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = record.exc_text = None
        if record.stack_info:
            message += "\n" + record.stack_info
            record.stack_info = None
        record.msg, record.args = self.redactor.text(message), ()
        return True


_installed: RedactingFilter | None = None


def install() -> RedactingFilter:
    """Redact every log record and every structlog event of this process (idempotent)."""
    global _installed
    if _installed is not None:
        return _installed
    _installed = RedactingFilter(LogRedactor())
    # Presidio's DEBUG lines come from the redaction itself: they would only print placeholders.
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _installed.filter(record)
        return record

    logging.setLogRecordFactory(redacted_record)
    _wrap_structlog_configure(_installed.redactor)
    return _installed


def _wrap_structlog_configure(redactor: LogRedactor) -> None:
    configure = structlog.configure

    def redact_event(_logger: Any, _name: str, event_dict: dict) -> dict:
        return redactor.value(event_dict)

    def configure_with_redaction(*args: Any, processors=None, **kwargs: Any) -> None:
        if processors is not None:
            processors = [redact_event, *processors]
        configure(*args, processors=processors, **kwargs)

    structlog.configure = configure_with_redaction
    if structlog.is_configured():  # a bare `rasa run` configures it before loading our store
        configure_with_redaction(processors=structlog.get_config()["processors"])


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m bot.privacy.logs MODULE [ARGS...]")
    install()
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
