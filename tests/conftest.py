"""Shared fixtures: a real running assistant (action server + Rasa server) for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.tools.inprocess import free_port
from tests.subprocesses import Batch

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NETGUARD_DIR = Path(__file__).resolve().parent / "netguard"
GUICHET = [sys.executable, "-m", "bot"]
STARTUP_TIMEOUT_SECONDS = 300
# Log lines reach us through the launcher's pipes, a moment after the reply that caused them.
OUTPUT_TIMEOUT_SECONDS = 30


def _batches(item: pytest.Item) -> list[Batch]:
    module = getattr(item, "module", None)
    return [value for value in vars(module).values() if isinstance(value, Batch)] if module else []


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the batches of the selected tests now: they run while the other tests do."""
    if not session.config.option.collectonly:
        for item in session.items:
            for batch in _batches(item):
                batch.start()


def pytest_sessionfinish() -> None:
    Batch.clean_up_all()


@dataclass
class RunningAssistant:
    process: subprocess.Popen
    port: int
    data_dir: Path
    netguard_log: Path
    output: list[str] = field(default_factory=list)
    output_reader: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(
        self,
        path: str,
        payload: bytes | dict,
        timeout: float = 60,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, object]:
        """POST JSON; returns the status and the decoded JSON, or the error text."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **(headers or {})}
        return self._decoded(*self.exchange("POST", path, body, headers, timeout))

    def lines_once_logged(self, *needles: str) -> list[str]:
        """The output lines holding every needle, waiting until there is at least one."""
        deadline = time.monotonic() + OUTPUT_TIMEOUT_SECONDS
        while not (found := [line for line in self.output if all(n in line for n in needles)]):
            assert time.monotonic() < deadline, f"no output line with {needles}"
            time.sleep(0.2)
        return found

    def delete(self, path: str) -> tuple[int, object]:
        return self._decoded(*self.exchange("DELETE", path))

    def exchange(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ):
        """Any request; returns the status, the response headers and the raw body."""
        request = urllib.request.Request(  # noqa: S310 (our own server on loopback)
            self.base_url + path, data=body, headers=headers or {}, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    @staticmethod
    def _decoded(status: int, _headers, body: bytes) -> tuple[int, object]:
        if status >= 400:
            return status, body.decode("utf-8", "replace")
        return status, json.loads(body or b"null")

    def say(self, sender: str, text: str, headers: dict[str, str] | None = None) -> str:
        """Send one message over the REST channel; return the bot's replies joined."""
        status, replies = self.post(
            "/webhooks/rest/webhook", {"sender": sender, "message": text}, headers=headers
        )
        assert status == 200, replies
        return "\n".join(reply.get("text", "") for reply in replies)

    def server_pid(self, command: str) -> int:
        """The pid of a server started by `guichet run`: command "rasa_sdk" or "rasa run"."""
        launcher = self.process.pid
        for pid in Path(f"/proc/{launcher}/task/{launcher}/children").read_text().split():
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if f" {command} " in cmdline:
                return int(pid)
        raise LookupError(f"no {command} process under the launcher")

    def netguard_violations(self) -> list[str]:
        if not self.netguard_log.exists():
            return []
        return self.netguard_log.read_text(encoding="utf-8").splitlines()


def start_assistant(data_dir: Path, extra_env: dict[str, str] | None = None) -> RunningAssistant:
    """Start `guichet run` on free ports (unless `extra_env` sets GUICHET_PORT and
    GUICHET_ACTIONS_PORT); `extra_env` e.g. LOG_LEVEL or GUICHET_ENDPOINTS."""
    port = int((extra_env or {}).get("GUICHET_PORT") or free_port())
    netguard_log = data_dir / "netguard.log"
    env = dict(os.environ)
    env.update(
        GUICHET_PORT=str(port),
        GUICHET_ACTIONS_PORT=str(free_port()),
        GUICHET_DATA_DIR=str(data_dir),
        GUICHET_NETGUARD_LOG=str(netguard_log),
        PYTHONPATH=os.pathsep.join(filter(None, [str(NETGUARD_DIR), env.get("PYTHONPATH")])),
        # Tests talk faster than citizens: rate limits are off unless a test sets them.
        GUICHET_RATE_LIMIT_PER_SENDER="0",
        GUICHET_RATE_LIMIT_PER_IP="0",
    )
    env.update(extra_env or {})
    env.pop("RASA_TELEMETRY_ENABLED", None)  # the project must switch it off by itself
    process = subprocess.Popen(
        [*GUICHET, "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assistant = RunningAssistant(process, port, data_dir, netguard_log)
    ready = threading.Event()

    def read_output() -> None:
        for line in process.stdout:
            assistant.output.append(line)
            if line.startswith("ready"):
                ready.set()

    assistant.output_reader = threading.Thread(target=read_output, daemon=True)
    assistant.output_reader.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not ready.wait(1):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_assistant(assistant)
            pytest.fail("assistant did not start:\n" + "".join(assistant.output[-40:]))
    return assistant


def stop_assistant(assistant: RunningAssistant) -> int:
    if assistant.process.poll() is None:
        assistant.process.send_signal(signal.SIGINT)
        try:
            assistant.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(assistant.process.pid, signal.SIGKILL)
            assistant.process.wait()
    if assistant.output_reader is not None:  # the last lines may still be in the pipe
        assistant.output_reader.join(timeout=OUTPUT_TIMEOUT_SECONDS)
    return assistant.process.returncode


# The catalogue's first 24 procedures (before issue 13 widened it).
ORIGINAL_PROCEDURES = frozenset(
    {
        "cni",
        "passeport",
        "permis_conduire",
        "carte_grise",
        "acte_naissance",
        "casier_judiciaire",
        "recensement_jdc",
        "listes_electorales",
        "procuration",
        "pacs",
        "mariage",
        "rsa",
        "prime_activite",
        "aides_logement",
        "declaration_revenus",
        "carte_vitale",
        "changement_adresse",
        "france_services",
        "franceconnect",
        "titre_sejour",
        "amendes",
        "retraite",
        "acte_deces",
        "allo_service_public",
    }
)

TIERS = ("unit", "model", "services", "browser")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by tier
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test belongs to exactly one tier (pyproject.toml, markers). The former `server`
    marker means `services`; a test without a tier is counted as `services` (never run by
    `make check`), with a warning. The modules that wait for subprocess batches run last,
    once their batches, started at collection, are done."""
    items.sort(key=lambda item: bool(_batches(item)))
    for item in items:
        tiers = [tier for tier in TIERS if item.get_closest_marker(tier)]
        if not tiers:
            if not item.get_closest_marker("server"):
                item.warn(
                    pytest.PytestWarning(
                        f"no tier marker ({', '.join(TIERS)}): counted as services"
                    )
                )
            item.add_marker(pytest.mark.services)
        elif len(tiers) > 1:
            raise pytest.UsageError(f"{item.nodeid}: several tiers {tiers}, one is expected")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> RunningAssistant:
    running = start_assistant(tmp_path_factory.mktemp("assistant"))
    yield running
    stop_assistant(running)


# The production limits (the per-IP one set explicitly: behind a trusted proxy it is off by
# default), an admin token in a secret file and a website allowed by CORS.
# Requests from the tests come through a "trusted proxy" (loopback), so each test can act
# as its own client address with X-Forwarded-For.
GUARDED_ENV = {
    "GUICHET_RATE_LIMIT_PER_SENDER": "20",
    "GUICHET_RATE_LIMIT_PER_IP": "120",
    "GUICHET_MAX_MESSAGE_CHARS": "2000",
    "GUICHET_TRUSTED_PROXIES": "127.0.0.1",
    "GUICHET_CORS_ORIGINS": "https://mairie.example",
}
ADMIN_TOKEN = "test-admin-token"  # noqa: S105 (a test token)


@pytest.fixture(scope="session")
def guarded_assistant(tmp_path_factory) -> RunningAssistant:
    token_file = tmp_path_factory.mktemp("secrets") / "admin-token"
    token_file.write_text(ADMIN_TOKEN + "\n", encoding="utf-8")
    running = start_assistant(
        tmp_path_factory.mktemp("guarded"),
        {**GUARDED_ENV, "GUICHET_ADMIN_TOKEN_FILE": str(token_file)},
    )
    yield running
    stop_assistant(running)
