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

import dataclasses
import http
import logging
import re
import runpy
import sys
import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import structlog

from bot.settings import SENDER_ID

if TYPE_CHECKING:
    from anonymization import Redactor

FAILED_PLACEHOLDER = "<REDACTION_FAILED>"
SENDER_ID_IN_TEXT = re.compile(rf"(?<![0-9a-f]){SENDER_ID.pattern}(?![0-9a-f])")


# English words of library messages that the French name recognizers take for surnames
# (measured: "Cannot connect to host", "[Errno 111]", "Ignoring ..."): never anyone's name.
LOG_WORDS = (
    "Cannot",
    "Could",
    "Couldn't",
    "Errno",
    "Ignoring",
    "Sanic",
    "Sender",
    "Outbox",
    "Cursor",
    "CatalogueEntityExtractor",  # bot/nlu.py, as `rasa test nlu` names it
)
# Words of a log template that a detected name may run into past the closing quote of the
# value it was found in ("user message 'je suis Marie Dupont' with intent").
LOG_CONNECTORS = ("with", "from", "for", "in", "to", "at", "by", "is", "was", "and", "of", "on")
_EXCEPTION_NAME = r"(?:[A-Za-z_]\w*\.)*[A-Z][A-Za-z0-9]*(?:Error|Exception|Warning|Exit|Interrupt)"
_STATUS_PHRASES = "|".join(
    sorted((re.escape(status.phrase) for status in http.HTTPStatus), key=len, reverse=True)
)
_CODE = re.compile(
    rf"(?P<exception>(?<![\w@.]){_EXCEPTION_NAME}(?![\w@]))"
    # a dotted path, kept only when it starts with a module of this process (`code_spans`)
    r"|(?P<dotted>(?<![\w@./-])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?![\w@-]))"
    rf"|(?P<status>HTTP/\d(?:\.\d)?\"? \d{{3}}(?: (?:{_STATUS_PHRASES}))?)"
    rf"|(?P<word>(?<![\w'])(?:{'|'.join(map(re.escape, LOG_WORDS))})(?![\w']))"
    # a conversation reference (bot/privacy/events.py: sender_reference, 16 hex digits), a
    # hash: some look like an IBAN to the redactor, and a receipt's log line needs it
    r"|(?P<reference>(?<=conversation )[0-9a-f]{16}(?![\w]))"
)
_CLOSING_QUOTE_TAIL = re.compile(rf"['\"](?:\s+(?:{'|'.join(LOG_CONNECTORS)}))?\s*$")


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` names exception classes or modules of this process, has an HTTP status
    line, one of LOG_WORDS or a conversation reference: code, never personal data."""
    return [
        match.span()
        for match in _CODE.finditer(text)
        if match.lastgroup != "dotted" or match.group().split(".", 1)[0] in sys.modules
    ]


def readable(text: str, findings: list) -> list:
    """The redactor's findings in a log text, minus those inside code (`code_spans`), each
    cut at the closing quote of the value it was found in."""
    code = code_spans(text)
    kept = []
    for finding in findings:
        if any(start <= finding.start and finding.end <= end for start, end in code):
            continue
        tail = _CLOSING_QUOTE_TAIL.search(text, finding.start, finding.end)
        if tail is not None and tail.start() > finding.start:
            finding = dataclasses.replace(finding, end=tail.start())
        kept.append(finding)
    return kept


_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _qualified_name(exception_type: type) -> str:
    module, name = exception_type.__module__, exception_type.__qualname__
    return name if module in ("__main__", "builtins") else f"{module}.{name}"


def readable_traceback(
    exception: traceback.TracebackException, redact: Callable[[str], str]
) -> str:
    """Python's rendering of an exception and its chain with only the exception messages
    redacted: the frames (file, line, function, source line) come from the code on disk."""
    parts = []
    if exception.__cause__ is not None:
        parts += [readable_traceback(exception.__cause__, redact), _CAUSE]
    elif exception.__context__ is not None and not exception.__suppress_context__:
        parts += [readable_traceback(exception.__context__, redact), _CONTEXT]
    if exception.stack:
        parts += ["Traceback (most recent call last):\n", *exception.stack.format()]
    name = _qualified_name(exception.exc_type)
    only = "".join(exception.format_exception_only())
    if only.rstrip("\n") == name:
        parts.append(only)
    elif only.startswith(name + ": "):
        parts.append(f"{name}: {redact(only[len(name) + 2 :].rstrip())}\n")
    else:  # a SyntaxError's source and caret lines, an exception group...: all redacted
        parts.append(redact(only))
    return "".join(parts)


class LogRedactor:
    """Redacts log text with the project's Redactor, loaded on first use, failing closed."""

    def __init__(self) -> None:
        self._redactor: Redactor | None = None
        self._lock = threading.Lock()
        self._busy = threading.local()

    def text(self, text: str) -> str:
        if getattr(self._busy, "active", False):
            # A record logged by the redaction itself (spaCy, Presidio) may quote the text.
            return FAILED_PLACEHOLDER
        self._busy.active = True
        try:
            redacted = self._redactor_instance().redact(text, refine=readable).text
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
    """Replaces a record's message (and traceback) by its redacted rendering.

    Code stays readable: the frames of a traceback are printed as they are, and exception
    class names, module paths and HTTP status lines are never taken for names (`readable`).
    """

    def __init__(self, redactor: LogRedactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.stack_info:
            message += "\n" + record.stack_info
            record.stack_info = None
        message = self.redactor.text(message)
        if record.exc_info:
            message += "\n" + self._traceback(record.exc_info)
            record.exc_info = record.exc_text = None
        record.msg, record.args = message, ()
        return True

    def _traceback(self, exc_info: tuple) -> str:
        """The traceback, readable, with its exception messages redacted (fail closed)."""
        try:
            exception = traceback.TracebackException(*exc_info)
            return readable_traceback(exception, self.redactor.text).rstrip("\n")
        except Exception:  # noqa: BLE001 (fail closed: never print the raw text)
            return FAILED_PLACEHOLDER


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
