"""`guichet ask`: put questions to the trained assistant from a terminal.

For content editors checking their YAML: the same model, rules and actions as the server,
with a throwaway action server and an in-memory tracker store (nothing is persisted).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
import subprocess

from bot import launcher
from bot.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _converse(settings: Settings, questions: list[str]) -> list[list[str]]:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    # Rasa's debug output repeats user text: keep the terminal to warnings only.
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)

    endpoints = AvailableEndpoints(
        action=EndpointConfig(f"http://127.0.0.1:{settings.actions_port}/webhook")
    )
    agent = await load_agent(model_path=str(settings.model), endpoints=endpoints)
    answers = []
    for question in questions:
        replies = await agent.handle_text(question, sender_id="guichet-ask")
        answers.append([reply["text"] for reply in replies or [] if reply.get("text")])
    return answers


def ask(questions: list[str]) -> list[list[str]]:
    """One conversation: each question in turn, with the bot's replies to each."""
    settings = dataclasses.replace(Settings(), actions_port=_free_port())
    if not settings.model.exists():
        raise launcher.LaunchError(f"no trained model at {settings.model}; run `make train` first")
    env = launcher.child_environment(settings)
    actions = launcher.start_action_server(
        settings.actions_port, env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        launcher.wait_until_up(
            "action server", f"http://127.0.0.1:{settings.actions_port}/health", actions
        )
        return asyncio.run(_converse(settings, questions))
    finally:
        launcher.stop([actions])
