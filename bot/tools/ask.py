"""`guichet ask`: put questions to the trained assistant from a terminal.

For content editors checking their YAML: an in-memory tracker store, nothing is persisted.
"""

from __future__ import annotations

import asyncio

from bot.tools.inprocess import action_server, load_agent


async def _converse(settings, questions: list[str]) -> list[list[str]]:
    agent = await load_agent(settings)
    answers = []
    for question in questions:
        replies = await agent.handle_text(question, sender_id="guichet-ask")
        answers.append([reply["text"] for reply in replies or [] if reply.get("text")])
    return answers


def ask(questions: list[str]) -> list[list[str]]:
    """One conversation: each question in turn, with the bot's replies to each."""
    with action_server() as settings:
        return asyncio.run(_converse(settings, questions))
