"""Test-owned PostgreSQL and RabbitMQ servers, from the machine's Debian binaries.

Fault tests stop and restart these, never the machine's shared services. Each lives in a
temporary directory on free ports and is torn down by its fixture, whatever the test did.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.tools.inprocess import free_port

STARTUP_TIMEOUT_SECONDS = 120


def _pg_bin(program: str) -> str:
    """The newest installed PostgreSQL's program (Debian: /usr/lib/postgresql/<major>/bin)."""
    return f"{sorted(glob.glob('/usr/lib/postgresql/*/bin'))[-1]}/{program}"


def _as(user: str, *command: str, env: dict[str, str] | None = None) -> None:
    """Run a server command as its service account (the servers refuse to run as root)."""
    prefix = ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*prefix, "env", *[f"{k}={v}" for k, v in (env or {}).items()], *command],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=120,
    )


def _private_dir(owner: str) -> Path:
    directory = Path(tempfile.mkdtemp(prefix=f"guichet-{owner}-"))
    if os.geteuid() == 0:
        shutil.chown(directory, owner)
    return directory


@dataclass
class Postgres:
    directory: Path
    port: int
    database: str = "guichet"

    def _ctl(self, *args: str) -> None:
        _as("postgres", _pg_bin("pg_ctl"), "-D", str(self.directory / "data"), "-w", *args)

    def start(self) -> None:
        self._ctl(
            "-l",
            str(self.directory / "server.log"),
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1",
            "start",
        )

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    @property
    def connection(self) -> dict:
        return {"host": "127.0.0.1", "port": self.port, "user": "postgres", "dbname": self.database}


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server of our own, with an empty database `guichet`."""
    server = Postgres(_private_dir("postgres"), free_port())
    _as(
        "postgres",
        _pg_bin("initdb"),
        "-D",
        str(server.directory / "data"),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--no-sync",
    )
    server.start()
    try:
        _as(
            "postgres",
            _pg_bin("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(server.port),
            "-U",
            "postgres",
            server.database,
        )
        yield server
    finally:
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped by the test
        shutil.rmtree(server.directory, ignore_errors=True)


@dataclass
class RabbitMQ:
    directory: Path
    port: int
    node: str
    env: dict[str, str]

    def ctl(self, *args: str) -> None:
        _as("rabbitmq", "/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", self.node, *args, env=self.env)

    def stop(self) -> None:
        """Stop the broker application (the Erlang node stays up to be started again)."""
        self.ctl("stop_app")

    def start(self) -> None:
        self.ctl("start_app")
        self.await_startup()

    def await_startup(self) -> None:
        """Wait until the node accepts connections (the CLI fails at once before it exists)."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            try:
                self.ctl("await_startup", "--timeout", str(STARTUP_TIMEOUT_SECONDS))
                return
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)


@pytest.fixture
def rabbitmq() -> Iterator[RabbitMQ]:
    """A second RabbitMQ node of our own (guest/guest, loopback only) on free ports."""
    directory = _private_dir("rabbitmq")
    node = f"guichet-{uuid.uuid4().hex[:8]}@localhost"
    (directory / "enabled_plugins").write_text("[].\n")
    env = {
        "HOME": "/var/lib/rabbitmq",  # the node and its CLI share this Erlang cookie
        "RABBITMQ_NODENAME": node,
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(free_port()),
        "RABBITMQ_DIST_PORT": str(free_port()),
        "RABBITMQ_MNESIA_BASE": str(directory / "mnesia"),
        "RABBITMQ_LOG_BASE": str(directory / "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(directory / "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": str(directory / "rabbitmq"),
    }
    if os.geteuid() == 0:
        shutil.chown(directory / "enabled_plugins", "rabbitmq")
    server = RabbitMQ(directory, int(env["RABBITMQ_NODE_PORT"]), node, env)
    _as("rabbitmq", "/usr/lib/rabbitmq/bin/rabbitmq-server", "-detached", env=env)
    try:
        server.await_startup()
        yield server
    finally:
        try:
            server.ctl("stop")
        except subprocess.CalledProcessError:
            pass  # the node is already gone
        shutil.rmtree(directory, ignore_errors=True)


async def drain_queue(connecting: Awaitable, queue_name: str) -> list:
    """Every message waiting in a durable queue, taken off it (aio_pika IncomingMessages)."""
    async with await connecting as connection:
        queue = await (await connection.channel()).declare_queue(queue_name, durable=True)
        messages = []
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            messages.append(message)
        return messages
