"""Erasure over HTTP: `DELETE /webhooks/erasure/conversations/<sender_id>`.

The widget's sender id (128 random bits, known only to the citizen's browser tab) is the
authorisation: whoever holds it may erase that conversation, nobody else can guess it. The
answer is the receipt (what, how many rows, when), with a hashed reference, no personal data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_compat
from bot.privacy.store import RedactingSQLTrackerStore
from bot.settings import SENDER_ID


def redacting_store(tracker_store: Any) -> RedactingSQLTrackerStore:
    """Our store behind Rasa's wrappers (fail-safe and awaitable tracker stores)."""
    while not isinstance(tracker_store, RedactingSQLTrackerStore):
        inner = rasa_compat.wrapped_tracker_store(tracker_store)
        if inner is None:
            raise LookupError("the tracker store is not bot.privacy.store.RedactingSQLTrackerStore")
        tracker_store = inner
    return tracker_store


class ErasureChannel(InputChannel):
    """The HTTP erasure route (credentials.yml: `bot.server.erasure.ErasureChannel:`)."""

    @classmethod
    def name(cls) -> str:
        return "erasure"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        erasure = Blueprint("guichet_erasure", __name__)

        @erasure.route("/conversations/<sender_id>", methods=["DELETE"])
        async def erase(request: Request, sender_id: str) -> HTTPResponse:
            if not SENDER_ID.fullmatch(sender_id):
                return response.json({"error": "not a conversation id"}, status=404)
            store = redacting_store(rasa_compat.server_agent(request.app).tracker_store)
            return response.json(store.erase(sender_id).as_dict())

        return erasure
