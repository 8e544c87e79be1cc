"""Run the action server and the Rasa server as one service (`guichet run`).

Equivalent to `rasa run actions` plus `rasa run` in two terminals, with the
project's privacy defaults, a readiness check and a clean shutdown on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT, Settings

STARTUP_TIMEOUT_SECONDS = 300
SHUTDOWN_TIMEOUT_SECONDS = 20
# Seconds before restarting an action server that stopped: 1 s, then longer if it keeps failing.
RESTART_DELAYS_SECONDS = (1, 2, 5)
STABLE_SECONDS = 60  # an action server up this long starts again from the shortest delay
# Both servers run with redacted logging (bot/privacy/logs.py); the Rasa server also with the
# Rasa compatibility layer (bot/rasa_compat), both installed by `python -m bot.server`.
REDACTED_LOGS = [sys.executable, "-m", "bot.privacy.logs"]
RASA_SERVER = [sys.executable, "-m", "bot.server", "rasa"]


class LaunchError(Exception):
    """A problem the user can fix, reported as one line without a traceback."""


def ensure_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise LaunchError(
                f"port {port} on {host} is not available ({error.strerror}); "
                "choose another with --port / --actions-port"
            ) from None


def endpoints_source() -> Path:
    """endpoints.yml, or the file named by GUICHET_ENDPOINTS (e.g. endpoints.production.yml)."""
    return Path(os.environ.get("GUICHET_ENDPOINTS") or PROJECT_ROOT / "endpoints.yml")


def endpoints_config(settings: Settings) -> dict:
    """The endpoints with this run's action server port and SQLite files in the data dir.

    An action URL taken from the environment (${...}) is left to Rasa to substitute;
    `child_environment` points it at this run's action server unless it is set.
    """
    endpoints = yaml.safe_load(endpoints_source().read_text(encoding="utf-8"))
    action = endpoints["action_endpoint"]
    if "${" not in action["url"]:
        action["url"] = local_action_url(settings)
    for section in ("tracker_store", "event_broker"):
        store = endpoints.get(section) or {}
        if store.get("dialect") == "sqlite":
            store["db"] = str(settings.data_dir / Path(store["db"]).name)
    return endpoints


def local_action_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.actions_port}/webhook"


def write_endpoints(settings: Settings) -> Path:
    """Write this run's endpoints (see `endpoints_config`) under the data directory."""
    run_dir = settings.data_dir / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints_config(settings), sort_keys=False), encoding="utf-8")
    return path


def child_environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SANIC_HOST=settings.host,  # the action server reads its interface from here
        GUICHET_DATA_DIR=str(settings.data_dir),
    )
    # A Rasa process runs one turn at a time on its event loop, so TensorFlow's and BLAS's
    # thread pools (one spinning thread per core) only fight the other instances and the
    # services for the cores: two instances on 2 cores spent 43 instead of 37 ms of CPU per
    # turn with them (`guichet bench load`). Set these variables to override.
    for threads in (
        "TF_INTRA_OP_PARALLELISM_THREADS",
        "TF_INTER_OP_PARALLELISM_THREADS",
        "OMP_NUM_THREADS",
    ):
        env.setdefault(threads, "1")
    env.setdefault("GUICHET_ACTION_ENDPOINT_URL", local_action_url(settings))
    env.setdefault(
        "GUICHET_PRIVACY_NOTICE_URL", f"{settings.base_url}/webhooks/widget/confidentialite.html"
    )
    return env


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_until_up(name: str, url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LaunchError(f"the {name} stopped while starting (exit code {process.returncode})")
        if _answers(url):
            return
        time.sleep(0.5)
    raise LaunchError(f"the {name} did not answer on {url} within {STARTUP_TIMEOUT_SECONDS} s")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + SHUTDOWN_TIMEOUT_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_action_server(port: int, env: dict[str, str], **popen_options) -> subprocess.Popen:
    return subprocess.Popen(
        [*REDACTED_LOGS, "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
        **popen_options,
    )


def rasa_command(settings: Settings, endpoints: Path) -> list[str]:
    command = [
        *RASA_SERVER,
        "run",
        "--model",
        str(settings.model),
        "--interface",
        settings.host,
        "--port",
        str(settings.port),
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        "--endpoints",
        str(endpoints),
    ]
    if settings.admin_token:
        # Rasa's HTTP API (trackers, models) only behind a token, with Rasa's own mechanism.
        command += ["--enable-api", "--auth-token", settings.admin_token]
    return [*command, "--cors", *settings.cors_origins]  # last: --cors takes a list


def start_rasa_server(
    settings: Settings, endpoints: Path, env: dict[str, str], **popen_options
) -> subprocess.Popen:
    return subprocess.Popen(
        rasa_command(settings, endpoints),
        cwd=PROJECT_ROOT,
        env=env,
        start_new_session=True,
        **popen_options,
    )


def supervise(processes: list[subprocess.Popen], actions_port: int, env: dict[str, str]) -> None:
    """Watch both servers: restart the action server whenever it stops, raise when the
    Rasa server stops. Without an action server, the Rasa server keeps answering, with the
    degraded reply where an action was needed (bot.server.channels.GuardedRestInput).
    """
    actions, rasa = processes
    failures, started = 0, time.monotonic()
    while rasa.poll() is None:
        if actions.poll() is not None:
            if time.monotonic() - started >= STABLE_SECONDS:
                failures = 0
            delay = RESTART_DELAYS_SECONDS[min(failures, len(RESTART_DELAYS_SECONDS) - 1)]
            print(
                f"the action server stopped (exit code {actions.returncode}); "
                f"restarting it in {delay} s",
                flush=True,
            )
            time.sleep(delay)
            actions = processes[0] = start_action_server(actions_port, env)
            failures, started = failures + 1, time.monotonic()
        time.sleep(0.5)
    raise LaunchError(f"the Rasa server stopped unexpectedly (exit code {rasa.returncode})")


def run(settings: Settings) -> int:
    """Start both servers, print their URLs once they answer, and stop both on a signal."""
    if not settings.model.exists():
        raise LaunchError(f"no trained model at {settings.model}; run `make train` first")
    ensure_port_free(settings.host, settings.port)
    ensure_port_free(settings.host, settings.actions_port)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    endpoints = write_endpoints(settings)
    env = child_environment(settings)

    actions = start_action_server(settings.actions_port, env)
    rasa = start_rasa_server(settings, endpoints, env)
    processes = [actions, rasa]

    def _on_signal(signum, _frame):
        raise KeyboardInterrupt

    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # SIGINT may be ignored when backgrounded
        signal.signal(stop_signal, _on_signal)
    try:
        wait_until_up("action server", f"http://127.0.0.1:{settings.actions_port}/health", actions)
        wait_until_up("Rasa server", f"http://127.0.0.1:{settings.port}/", rasa)
        base = settings.base_url
        print(f"API:       {base}/webhooks/rest/webhook", flush=True)
        print(f"Demo page: {base}/webhooks/widget/index.html", flush=True)
        print("ready (Ctrl-C to stop)", flush=True)
        supervise(processes, settings.actions_port, env)
    except KeyboardInterrupt:
        print("stopping…", flush=True)
        return 0
    finally:
        stop(processes)
