"""The layout's promises, checked in a fresh interpreter: importing the assistant's modules
loads no evaluation code or dependency, and patches nothing (only an explicit
`bot.rasa_compat.install()` patches Rasa or switches redacted logging on). The one exception is
the action package: a bare `rasa run actions` loads nothing else of ours, so importing it
switches redacted logging on (tests/test_privacy_logs.py checks that it does)."""

import json
import sys
from pathlib import Path

import pytest

from tests.subprocesses import Batch, Commands

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_MODULES = [
    "anonymization",
    "anonymization.redactor",
    "bot.privacy.store",
    "bot.privacy.brokers",
    "bot.server.channels",
    "bot.server.erasure",
    "bot.server.admin",
    "bot.server.locks",
    "bot.tools.inprocess",
    "bot.server.openapi",
    "bot.nlu",
]
ACTION_SERVER = "actions"
EVALUATION_ONLY = ["evaluation", "faker", "presidio_anonymizer"]
SCRIPT = f"""
import importlib, json, logging, sys
import structlog
factory, configure = logging.getLogRecordFactory(), structlog.configure
for name in {RUNTIME_MODULES!r}:
    importlib.import_module(name)
from rasa.core.actions.action import RemoteAction
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.core.events import Event
patched = [m.__qualname__ for m in (SpacyNLP._doc_for_text, RemoteAction._validate_action_result,
                                    Event.resolve_by_type) if hasattr(m, "__wrapped__")]
logging_on = logging.getLogRecordFactory() is not factory
structlog_on = structlog.configure is not configure
importlib.import_module({ACTION_SERVER!r})
print(json.dumps({{
    "evaluation": sorted(name for name in {EVALUATION_ONLY!r} if name in sys.modules),
    "patched": patched,
    "logging": logging_on,
    "structlog": structlog_on,
}}))
"""


IMPORTING = Batch(lambda _: Commands({"import": ([sys.executable, "-c", SCRIPT], b"")}), cwd=ROOT)


@pytest.fixture(scope="module")
def imported() -> dict:
    done = IMPORTING.results()["import"]
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def test_runtime_modules_import_no_evaluation_code_or_dependency(imported):
    assert imported["evaluation"] == []


def test_importing_our_modules_patches_nothing(imported):
    assert imported["patched"] == []
    assert not imported["logging"] and not imported["structlog"]
