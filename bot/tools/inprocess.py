"""The trained assistant inside this process, for `guichet ask` and `guichet bench turns`.

Same model, rules and actions as `guichet run`, with a throwaway action server.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import socket
import subprocess
from collections.abc import Iterator
from typing import Any

from bot import rasa_compat
from bot.server import launcher
from bot.settings import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def action_server() -> Iterator[Settings]:
    """Start an action server on a free port; yield the settings that point to it."""
    settings = dataclasses.replace(Settings(), actions_port=free_port())
    if not settings.model.exists():
        raise launcher.LaunchError(f"no trained model at {settings.model}; run `make train` first")
    process = launcher.start_action_server(
        settings.actions_port,
        launcher.child_environment(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        launcher.wait_until_up(
            "action server", f"http://127.0.0.1:{settings.actions_port}/health", process
        )
        yield settings
    finally:
        launcher.stop([process])


async def load_agent(settings: Settings, **endpoint_configs: Any):
    """Load the model with the action server of `settings`; endpoint_configs are
    `tracker_store=` / `event_broker=` EndpointConfig objects (default: in memory)."""
    from rasa.core.agent import load_agent as rasa_load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    rasa_compat.install()  # as the server does: the version check and the speed-ups
    # Rasa's debug output repeats user text: keep the terminal to warnings only.
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    endpoints = AvailableEndpoints(
        action=EndpointConfig(f"http://127.0.0.1:{settings.actions_port}/webhook"),
        **endpoint_configs,
    )
    return await rasa_load_agent(model_path=str(settings.model), endpoints=endpoints)
