"""The action server's logs are redacted however it is started, even at DEBUG.

At DEBUG, rasa_sdk logs the contents of the events an action returned malformed. The action
of tests/malformed_action returns such events, quoting canary personal data the citizen
typed; the logs of `rasa run actions`, `python -m rasa_sdk` and `guichet run` must show that
the events were dropped, and none of the canaries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest
import rasa_sdk

from bot.server import launcher
from bot.tools.inprocess import free_port
from tests.conftest import PROJECT_ROOT, start_assistant, stop_assistant
from tests.test_canary import CONVERSATION, canaries_in

pytestmark = pytest.mark.server

MALFORMED_ACTION_DIR = Path(__file__).resolve().parent / "malformed_action"
SAID = f"{CONVERSATION[0]}. {CONVERSATION[4]}"  # a name, a phone number, an e-mail address
ENV = {
    "PYTHONPATH": os.pathsep.join(
        filter(None, [str(MALFORMED_ACTION_DIR), os.environ.get("PYTHONPATH")])
    ),
    "LOG_LEVEL": "DEBUG",
}


def run_malformed_action(port: int) -> None:
    """Ask the action server to run the malformed action after the citizen said SAID."""
    sender = uuid.uuid4().hex
    call = {
        "next_action": "action_return_malformed_events",
        "sender_id": sender,
        "version": rasa_sdk.__version__,
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "events": [],
            "latest_message": {"text": SAID, "intent": {}, "entities": []},
        },
    }
    request = urllib.request.Request(  # noqa: S310 (our own server on loopback)
        f"http://127.0.0.1:{port}/webhook",
        data=json.dumps(call).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        assert json.loads(response.read())["events"] == [], "both events were dropped"


def assert_redacted_debug_log(log: str) -> None:
    assert "Contents of ignored event" in log, "rasa_sdk logged at DEBUG"
    assert "action_return_malformed_events" in log
    assert canaries_in(log) == []
    assert "<PERSON_1>" in log and "<PHONE_NUMBER_1>" in log


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "rasa", "run", "actions", "--debug"],
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--debug"],
    ],
    ids=["rasa run actions", "python -m rasa_sdk"],
)
def test_a_bare_action_server_redacts_its_debug_log(tmp_path, command):
    port, log_file = free_port(), tmp_path / "actions.log"
    with open(log_file, "wb") as log:
        server = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=PROJECT_ROOT,
            env={**os.environ, **ENV},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        launcher.wait_until_up("action server", f"http://127.0.0.1:{port}/health", server)
        run_malformed_action(port)
    finally:
        launcher.stop([server])
    assert_redacted_debug_log(log_file.read_text(encoding="utf-8"))


def test_the_action_server_of_guichet_run_redacts_its_debug_log(tmp_path):
    port = free_port()
    assistant = start_assistant(tmp_path, {**ENV, "GUICHET_ACTIONS_PORT": str(port)})
    try:
        run_malformed_action(port)
    finally:
        stop_assistant(assistant)
    assert_redacted_debug_log("".join(assistant.output))
