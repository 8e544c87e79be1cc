"""Security of the running assistant in its production configuration (`guarded_assistant`):
administration behind a token, CORS, security headers, rate limits, and the polite degraded
reply, without any stored personal data, while the action server is down.

Each test acts as its own client address (X-Forwarded-For through the trusted loopback
proxy), so that the per-IP limit of one test does not affect another.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from bot.server import api_auth
from bot.server.channels import citizen_text
from bot.tools.inprocess import free_port
from tests.conftest import ADMIN_TOKEN, GUARDED_ENV, PROJECT_ROOT
from tests.test_canary import CONVERSATION, canaries_in, files_text, sqlite_rows

pytestmark = pytest.mark.services

WEBHOOK = "/webhooks/rest/webhook"
AUDIT = "/webhooks/audit/report"
TOKEN = ADMIN_TOKEN
BEARER = {"Authorization": f"Bearer {TOKEN}"}
ALLOWED_ORIGIN = GUARDED_ENV["GUICHET_CORS_ORIGINS"]
RECOVERY_TIMEOUT_SECONDS = 120
# Questions that need the action server, with the canaries of test_canary in them.
FAULT_MESSAGES = [
    "Je m'appelle Maëlys Kerbrat-Quéméner, quels documents faut-il ?",
    *CONVERSATION[2:],
]


def client(number: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"192.0.2.{number}"}


def send(assistant, payload: dict, headers: dict[str, str]):
    body = json.dumps(payload).encode()
    return assistant.exchange(
        "POST", WEBHOOK, body, {"Content-Type": "application/json", **headers}
    )


def until_refused(send_one, limit: int, accepted_status: int):
    """Send until the first 429; returns how many were accepted before, and the 429 answer.

    Tokens come back while the test sends (limit / 60 per second), so a few more than
    `limit` may pass; never fewer.
    """
    for accepted in range(3 * limit):
        status, headers, body = send_one()
        if status == 429:
            return accepted, headers, json.loads(body)
        assert status == accepted_status, body
    pytest.fail(f"no 429 after {3 * limit} requests")


def test_rate_limit_per_sender_answers_429_with_retry_after_in_french(guarded_assistant):
    sender, limit = uuid.uuid4().hex, int(GUARDED_ENV["GUICHET_RATE_LIMIT_PER_SENDER"])
    addresses = iter(range(10, 10 + 3 * limit))  # a new address each time: the sender counts
    accepted, headers, refusal = until_refused(
        lambda: send(
            guarded_assistant, {"sender": sender, "message": "merci"}, client(next(addresses))
        ),
        limit,
        200,
    )
    assert accepted >= limit
    wait = int(headers["Retry-After"])
    assert wait >= 1
    assert refusal == {
        "error": "too_many_requests",
        "message": citizen_text("error_too_many", retry_after=wait),
    }
    assert guarded_assistant.say(uuid.uuid4().hex, "merci", client(10)), "other senders go on"


def test_rate_limit_per_ip_counts_every_request_and_follows_the_forwarded_address(
    guarded_assistant,
):
    limit = int(GUARDED_ENV["GUICHET_RATE_LIMIT_PER_IP"])
    empty = {"sender": "flood", "message": ""}  # refused (400), but counted: floods cost too
    accepted, headers, _ = until_refused(
        lambda: send(guarded_assistant, empty, client(3)), limit, 400
    )
    assert accepted >= limit and int(headers["Retry-After"]) >= 1
    assert send(guarded_assistant, empty, client(4))[0] == 400, "another address is not limited"


def test_audit_report_requires_the_admin_token(guarded_assistant, assistant):
    guarded_assistant.say(uuid.uuid4().hex, "Combien coûte un passeport ?", client(5))
    status, headers, _ = guarded_assistant.exchange("GET", AUDIT)
    assert status == 401 and headers["WWW-Authenticate"] == "Bearer"
    wrong = {"Authorization": "Bearer not-the-token"}
    assert guarded_assistant.exchange("GET", AUDIT, headers=wrong)[0] == 401
    right = {"Authorization": f"Bearer {TOKEN}"}
    status, headers, body = guarded_assistant.exchange("GET", AUDIT, headers=right)
    assert status == 200 and headers["X-Content-Type-Options"] == "nosniff"
    figures = json.loads(body)
    assert figures["user_turns"] >= 1 and "ask_cost" in figures["intents"]
    assert guarded_assistant.exchange("GET", AUDIT + "?since=yesterday", headers=right)[0] == 400
    # Without GUICHET_ADMIN_TOKEN the endpoint is off, whatever the request says.
    assert assistant.exchange("GET", AUDIT, headers=right)[0] == 403


def test_rasa_http_api_takes_the_token_from_the_authorization_header_only(
    guarded_assistant,
    assistant,
):
    status, headers, _ = guarded_assistant.exchange("GET", "/status")
    assert status == 401 and headers["WWW-Authenticate"] == "Bearer"
    for wrong in ("not-the-token", TOKEN[:-1], TOKEN + "x", ""):
        assert (
            guarded_assistant.exchange(
                "GET", "/status", headers={"Authorization": f"Bearer {wrong}"}
            )[0]
            == 401
        )
    assert guarded_assistant.exchange("GET", "/status", headers={"Authorization": TOKEN})[0] == 401
    assert guarded_assistant.exchange("GET", "/status", headers=BEARER)[0] == 200
    assert assistant.exchange("GET", "/status", headers=BEARER)[0] == 404, "no token: no API"


# One route of each kind: Rasa's own, its API, and every channel of credentials.yml.
ROUTES = [
    ("GET", "/"),
    ("GET", "/version"),
    ("GET", "/status"),
    ("GET", f"/conversations/{uuid.uuid4().hex}/tracker"),
    ("GET", "/webhooks/rest/"),
    ("POST", WEBHOOK),
    ("GET", "/webhooks/widget/index.html"),
    ("POST", "/webhooks/widget/feedback"),
    ("DELETE", f"/webhooks/erasure/conversations/{'0' * 32}"),
    ("GET", AUDIT),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("query", [f"token={TOKEN}", "token=", "since=2026-01-01&Token=x"])
def test_a_token_in_the_url_is_refused_on_every_route(guarded_assistant, method, path, query):
    body = json.dumps({"sender": uuid.uuid4().hex, "message": "merci"}).encode()
    status, headers, answer = guarded_assistant.exchange(
        method,
        f"{path}?{query}",
        body if method == "POST" else None,
        {**BEARER, **client(9), "Content-Type": "application/json"},
    )
    assert status == 400, answer  # even with the right header: the URL has leaked already
    assert json.loads(answer) == {"error": api_auth.REFUSED_IN_URL}
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_admin_token_is_in_no_process_list(guarded_assistant):
    pids = [
        guarded_assistant.process.pid,
        guarded_assistant.server_pid("rasa run"),
        guarded_assistant.server_pid("rasa_sdk"),
    ]
    command_lines = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in pids]
    assert all(TOKEN.encode() not in line for line in command_lines)
    assert b"--enable-api" in command_lines[1] and b"--auth-token" not in command_lines[1]


def test_a_token_on_rasas_command_line_stops_the_server_at_once(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rasa",
            "run",
            "--enable-api",
            "--auth-token",
            "on-the-cmdline",
            "--credentials",
            str(PROJECT_ROOT / "credentials.yml"),
            "--port",
            str(free_port()),
            "--model",
            str(tmp_path / "none.tar.gz"),
        ],
        cwd=PROJECT_ROOT,
        env=dict(os.environ, GUICHET_DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == api_auth.REFUSED_ON_COMMAND_LINE


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (ALLOWED_ORIGIN, True),
        ("https://evil.example", False),
        ("null", False),
    ],
)
def test_cors_allows_only_the_configured_origins(guarded_assistant, origin, allowed):
    preflight = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    _, headers, _ = guarded_assistant.exchange("OPTIONS", WEBHOOK, headers=preflight)
    assert (headers["Access-Control-Allow-Origin"] == origin) is allowed
    _, headers, _ = send(
        guarded_assistant,
        {"sender": uuid.uuid4().hex, "message": "merci"},
        {"Origin": origin, **client(6)},
    )
    assert (headers["Access-Control-Allow-Origin"] == origin) is allowed


def test_json_replies_and_errors_carry_the_security_headers(guarded_assistant):
    for payload in ({"sender": uuid.uuid4().hex, "message": "merci"}, {"sender": 1}):
        status, headers, _ = send(guarded_assistant, payload, client(7))
        assert status in (200, 400)
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]


def _wait_until_gone(pid: int) -> None:
    """Dead or a zombie: the port is free either way."""
    status = Path(f"/proc/{pid}/status")
    while status.exists() and "State:\tZ" not in status.read_text():
        time.sleep(0.05)


def test_killed_action_server_gives_the_degraded_reply_and_stores_no_personal_data(
    guarded_assistant,
):
    sender, headers = uuid.uuid4().hex, client(8)
    assert "passeport" in guarded_assistant.say(sender, "Je veux refaire mon passeport", headers)
    launcher = guarded_assistant.process.pid
    actions = guarded_assistant.server_pid("rasa_sdk")
    os.kill(launcher, signal.SIGSTOP)  # no restart until the fault has been observed
    try:
        os.kill(actions, signal.SIGKILL)
        _wait_until_gone(actions)
        during_fault = [guarded_assistant.say(sender, text, headers) for text in FAULT_MESSAGES]
    finally:
        os.kill(launcher, signal.SIGCONT)
    assert during_fault == [citizen_text("degraded")] * len(FAULT_MESSAGES)
    assert "39 39" in during_fault[0] and "France Services" in during_fault[0]

    deadline = time.monotonic() + RECOVERY_TIMEOUT_SECONDS  # the launcher restarts it
    question = "Combien coûte un passeport ?"
    while "86 €" not in (reply := guarded_assistant.say(sender, question, headers)):
        assert reply == citizen_text("degraded")
        assert time.monotonic() < deadline, "the action server was not restarted"
        time.sleep(1)
    assert guarded_assistant.lines_once_logged("restarting it")

    data_dir = guarded_assistant.data_dir
    assert canaries_in("".join(guarded_assistant.output)) == []
    assert canaries_in(files_text(data_dir)) == []
    stored = sqlite_rows(data_dir)
    assert "<PERSON_1>" in stored and "<FR_NIR_1>" in stored  # the fault turns were stored
    assert canaries_in(stored) == []
