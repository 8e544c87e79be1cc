"""The production topology in miniature: several `rasa run` instances behind nginx.

Used by `guichet bench load` and tests/test_topology.py. The instances share one action
server and the services of endpoints.production.yml (PostgreSQL, Redis, RabbitMQ), each in a
throwaway database / key prefix / queue. nginx (Debian's, `make nginx-deps`) runs as a child
process with deploy/nginx.conf rendered into a private directory: TLS termination with a
self-signed certificate, round robin, no sticky sessions.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

from bot.server import launcher
from bot.settings import PROJECT_ROOT, Settings
from bot.tools.inprocess import free_port

NGINX = Path("/usr/sbin/nginx")
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf"
PRODUCTION_ENDPOINTS = PROJECT_ROOT / "endpoints.production.yml"
# The loopback services of a development or CI machine; the environment overrides each one.
LOCAL_SERVICES = {
    "GUICHET_DB_HOST": "127.0.0.1",
    "GUICHET_DB_PORT": "5432",
    "GUICHET_DB_USER": "postgres",
    "GUICHET_DB_PASSWORD": "",
    "GUICHET_REDIS_HOST": "127.0.0.1",
    "GUICHET_REDIS_PORT": "6379",
    "GUICHET_REDIS_PASSWORD": "",
    "GUICHET_REDIS_DB": "1",
    "GUICHET_RABBITMQ_HOST": "127.0.0.1",
    "GUICHET_RABBITMQ_PORT": "5672",
    "GUICHET_RABBITMQ_USER": "guest",
    "GUICHET_RABBITMQ_PASSWORD": "guest",
}


def _database_connection(env: dict[str, str], database: str = "postgres"):
    import psycopg2

    connection = psycopg2.connect(
        host=env["GUICHET_DB_HOST"],
        port=env["GUICHET_DB_PORT"],
        dbname=database,
        user=env["GUICHET_DB_USER"],
        password=env["GUICHET_DB_PASSWORD"],
    )
    connection.autocommit = True
    return connection


def database_rows(env: dict[str, str], query: str, *parameters) -> list[tuple]:
    """Rows of a query on the database of `env` (GUICHET_DB_NAME)."""
    connection = _database_connection(env, env["GUICHET_DB_NAME"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(query, parameters)
            return cursor.fetchall()
    finally:
        connection.close()


async def rabbitmq_connection(env: dict[str, str]):
    """An aio_pika connection to the RabbitMQ that `env` configures."""
    import aio_pika

    return await aio_pika.connect(
        host=env["GUICHET_RABBITMQ_HOST"],
        port=int(env["GUICHET_RABBITMQ_PORT"]),
        login=env["GUICHET_RABBITMQ_USER"],
        password=env["GUICHET_RABBITMQ_PASSWORD"],
    )


async def _delete_queue(env: dict[str, str]) -> None:
    async with await rabbitmq_connection(env) as connection:
        channel = await connection.channel()
        await channel.queue_delete(env["GUICHET_RABBITMQ_QUEUE"])


@contextlib.contextmanager
def production_services() -> Iterator[dict[str, str]]:
    """Yield the environment of endpoints.production.yml with a throwaway PostgreSQL
    database, Redis key prefix and RabbitMQ queue; drop them afterwards."""
    unique = uuid.uuid4().hex[:12]
    env = {name: os.environ.get(name, default) for name, default in LOCAL_SERVICES.items()}
    env.update(
        GUICHET_ENDPOINTS=str(PRODUCTION_ENDPOINTS),
        GUICHET_DB_NAME=f"guichet_{unique}",
        GUICHET_REDIS_KEY_PREFIX=f"guichet{unique}",
        GUICHET_RABBITMQ_QUEUE=f"guichet_{unique}",
    )
    admin = _database_connection(env)
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{env["GUICHET_DB_NAME"]}"')
    try:
        yield env
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{env["GUICHET_DB_NAME"]}" WITH (FORCE)')
        admin.close()
        with contextlib.suppress(Exception):  # the queue exists only once a server published
            asyncio.run(_delete_queue(env))


def render_nginx_config(run_dir: Path, listen_port: int, upstream_ports: list[int]) -> str:
    """deploy/nginx.conf with its ${NGINX_*} placeholders filled in (as envsubst would)."""
    values = {
        "NGINX_RUN_DIR": str(run_dir),
        "NGINX_LISTEN_PORT": str(listen_port),
        "NGINX_TLS_CERT": str(run_dir / "tls.crt"),
        "NGINX_TLS_KEY": str(run_dir / "tls.key"),
        "NGINX_UPSTREAMS": " ".join(f"server 127.0.0.1:{port};" for port in upstream_ports),
    }
    config = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        config = config.replace("${" + name + "}", value)
    return config


def _get(url: str, context: ssl.SSLContext | None = None) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Topology:
    """One action server, Rasa instances and nginx in front of them, on free local ports.

    `env` is the environment of the Rasa instances, with GUICHET_ENDPOINTS (e.g. from
    `production_services`).
    """

    def __init__(self, env: dict[str, str]) -> None:
        # World-readable: nginx workers drop root privileges when the test runs as root.
        self.run_dir = Path(tempfile.mkdtemp(prefix="guichet-topology-"))
        self.run_dir.chmod(0o755)
        self.settings = dataclasses.replace(
            Settings(), actions_port=free_port(), data_dir=self.run_dir / "data"
        )
        self.env = {
            **launcher.child_environment(self.settings),
            **env,
            "GUICHET_ACTION_ENDPOINT_URL": launcher.local_action_url(self.settings),
            # Rate limits are another concern: the benchmark sends many turns from one IP.
            "GUICHET_RATE_LIMIT_PER_SENDER": "0",
            "GUICHET_RATE_LIMIT_PER_IP": "0",
        }
        self.processes: list[subprocess.Popen] = []
        self.instance_ports: list[int] = []
        self.nginx: subprocess.Popen | None = None
        self.port = free_port()
        self.tls = self._make_certificate()

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.run_dir / "access.log"

    def _log(self, name: str):
        return open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)

    def _make_certificate(self) -> ssl.SSLContext:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(self.run_dir / "tls.key"),
                "-out",
                str(self.run_dir / "tls.crt"),
            ],
            check=True,
            capture_output=True,
        )
        return ssl.create_default_context(cafile=str(self.run_dir / "tls.crt"))

    def start(self, instances: int, dedicated_cores: bool = False) -> None:
        """Start the action server and `instances` Rasa servers; wait until all answer.

        With `dedicated_cores`, instance i runs on core i only (CPU affinity, inherited by
        its threads), as a replica with a CPU of its own would (docs/deployment.md).
        """
        cores = sorted(os.sched_getaffinity(0))
        if dedicated_cores and instances > len(cores):
            raise launcher.LaunchError(f"{instances} dedicated cores asked, {len(cores)} here")
        if not self.settings.model.exists():
            raise launcher.LaunchError(f"no trained model at {self.settings.model}")
        self.settings.data_dir.mkdir()
        endpoints = Path(self.env["GUICHET_ENDPOINTS"])  # as it is: all from the environment
        actions = launcher.start_action_server(
            self.settings.actions_port,
            self.env,
            stdout=self._log("actions"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append(actions)
        started = []
        for index in range(instances):
            settings = dataclasses.replace(self.settings, port=free_port())
            pin = functools.partial(os.sched_setaffinity, 0, {cores[index]})
            started.append(
                (
                    settings.port,
                    launcher.start_rasa_server(
                        settings,
                        endpoints,
                        self.env,
                        stdout=self._log(f"rasa-{index}"),
                        stderr=subprocess.STDOUT,
                        preexec_fn=pin if dedicated_cores else None,
                    ),
                )
            )
            self.processes.append(started[-1][1])
        launcher.wait_until_up(
            "action server", f"http://127.0.0.1:{self.settings.actions_port}/health", actions
        )
        for port, process in started:
            launcher.wait_until_up("Rasa server", f"http://127.0.0.1:{port}/", process)
            self.instance_ports.append(port)

    def balance(self, upstream_ports: list[int]) -> None:
        """(Re)start nginx in front of these instances."""
        self._stop_nginx()
        config = self.run_dir / "nginx.conf"
        config.write_text(
            render_nginx_config(self.run_dir, self.port, upstream_ports), encoding="utf-8"
        )
        self.nginx = subprocess.Popen(
            [
                str(NGINX),
                "-p",
                str(self.run_dir),
                "-c",
                str(config),
                "-e",
                "stderr",
                "-g",
                "daemon off;",
            ],
            stdout=self._log("nginx"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while not _get(self.base_url + "/", self.tls):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                log = (self.run_dir / "nginx.log").read_text(errors="replace")
                raise launcher.LaunchError(f"nginx did not start:\n{log}")
            time.sleep(0.2)

    def _stop_nginx(self) -> None:
        if self.nginx is not None:
            launcher.stop([self.nginx])
            self.nginx = None

    def close(self) -> None:
        self._stop_nginx()
        launcher.stop(self.processes)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> Topology:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
