"""The foundation: one command runs the assistant, privately, on loopback only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bot.server import launcher
from bot.tools.inprocess import free_port
from tests.conftest import GUICHET, PROJECT_ROOT, start_assistant, stop_assistant


def test_first_message_discloses_the_automated_assistant(assistant):
    reply = assistant.say("disclosure-test", "Bonjour")
    assert "assistant automatisé" in reply
    assert "confidentialité" in reply
    assert "Que puis-je faire pour vous" in reply


def test_the_disclosure_comes_first_whatever_the_first_message(assistant):
    reply = assistant.say("first-question-test", "combien coute un passeport")
    assert reply.index("assistant automatisé") < reply.index("86 €")


def test_bot_challenge_goodbye_and_thanks(assistant):
    sender = "small-talk-test"
    assistant.say(sender, "Bonjour")
    assert "programme informatique" in assistant.say(sender, "êtes-vous un robot ?")
    assert "Je vous en prie" in assistant.say(sender, "merci beaucoup")
    assert "Au revoir" in assistant.say(sender, "au revoir")


def test_out_of_scope_offers_a_human_route(assistant):
    reply = assistant.say("out-of-scope-test", "quel temps fera-t-il demain à Brest ?")
    assert "France Services" in reply and "39 39" in reply


def test_demo_page_and_notice_are_served_with_security_headers(assistant):
    import urllib.request

    for page in ("/webhooks/widget", "/webhooks/widget/confidentialite.html"):
        with urllib.request.urlopen(assistant.base_url + page) as response:  # noqa: S310
            assert response.status == 200
            assert 'lang="fr"' in response.read().decode()
            policy = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "no-referrer"


def test_conversation_opens_no_connection_outside_loopback(assistant):
    sender = "network-test"
    for text in (
        "Bonjour",
        "je m'appelle Marie Dupont, mon mail est marie.dupont@example.org",
        "combien coûte une carte d'identité perdue ?",
        "au revoir",
    ):
        assistant.say(sender, text)
    assert assistant.netguard_violations() == []


def test_telemetry_is_off_without_any_user_setting():
    env = {k: v for k, v in os.environ.items() if k != "RASA_TELEMETRY_ENABLED"}
    probe = "import rasa.telemetry as t; print(t.is_telemetry_enabled())"
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_port_in_use_gives_one_line_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = dict(os.environ, GUICHET_DATA_DIR=str(tmp_path))
        result = subprocess.run(
            [*GUICHET, "run", "--port", str(port), "--actions-port", str(free_port())],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"guichet: port {port} on 127.0.0.1 is not available (Address already in use); "
        "choose another with --port / --actions-port"
    ]


def ports_in_time_wait() -> set[int]:
    """Local IPv4 ports with a closed connection waiting in TIME_WAIT (state 06)."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return {int(fields[1].rsplit(":", 1)[1], 16)
            for fields in map(str.split, lines) if fields[3] == "06"}


def test_a_port_whose_server_closed_connections_is_free_at_once():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Sanic does
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = server.accept()
            accepted.close()  # the server closes first: its end waits in TIME_WAIT
            assert client.recv(1) == b""
    assert port in ports_in_time_wait()
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))  # the old probe's bind: refused for a minute
    launcher.ensure_port_free("127.0.0.1", port)


@pytest.mark.server
def test_stop_then_immediate_restart_on_the_same_ports(tmp_path):
    ports = {"GUICHET_PORT": str(free_port()), "GUICHET_ACTIONS_PORT": str(free_port())}
    first = start_assistant(tmp_path, ports)
    first.say(uuid.uuid4().hex, "Bonjour")
    with socket.create_connection(("127.0.0.1", first.port)) as client:
        # Answered, then closed by the server first: its end waits in TIME_WAIT (a client that
        # closes first, as urllib may, leaves the TIME_WAIT on its own side).
        client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        while client.recv(4096):
            pass
    assert stop_assistant(first) == 0
    assert int(ports["GUICHET_PORT"]) in ports_in_time_wait(), "the restart must meet TIME_WAIT"
    second = start_assistant(tmp_path, ports)
    try:
        assert "assistant automatisé" in second.say(uuid.uuid4().hex, "Bonjour")
    finally:
        assert stop_assistant(second) == 0
