"""A Rasa input channel that serves the chat widget, its demo page and the privacy notice.

Messages themselves go through Rasa's REST channel (`/webhooks/rest/webhook`); this
channel serves static files, so that `guichet run` needs no other web server, and receives
the widget's thumbs up/down feedback (`POST /webhooks/widget/feedback`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import SlotSet
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import SENDER_ID

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}
FEEDBACK_VALUES = {"up", "down"}
FEEDBACK_SLOT = "feedback"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _static_file(name: str) -> HTTPResponse:
    files = {path.name: path for path in STATIC_DIR.iterdir() if path.suffix in CONTENT_TYPES}
    path = files.get(name)
    if path is None:
        return response.text("Page introuvable.", status=404, headers=SECURITY_HEADERS)
    return response.raw(
        path.read_bytes(), content_type=CONTENT_TYPES[path.suffix], headers=SECURITY_HEADERS
    )


class WidgetChannel(InputChannel):
    """Static pages under /webhooks/widget/: index.html (demo), the script, the privacy notice."""

    @classmethod
    def name(cls) -> str:
        return "widget"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        pages = Blueprint("guichet_widget", __name__)

        @pages.route("/", methods=["GET"], strict_slashes=False)
        async def index(request: Request) -> HTTPResponse:
            return response.redirect(
                request.path.rstrip("/") + "/index.html", headers=SECURITY_HEADERS
            )

        @pages.route("/<name>", methods=["GET"])
        async def static(_: Request, name: str) -> HTTPResponse:
            return _static_file(name)

        @pages.route("/feedback", methods=["POST"])
        async def feedback(request: Request) -> HTTPResponse:
            return await _record_feedback(request)

        return pages


async def _record_feedback(request: Request) -> HTTPResponse:
    """Append the citizen's thumbs up/down to their conversation as a `feedback` slot event.

    Only a fixed value ("up" or "down") is stored, never free text, so there is nothing to
    redact. The event goes through the tracker store (redacted like every event), disappears
    with the conversation on erasure, and does not influence the dialogue: it is not a user
    message, and the slot is not a featurized one. Feedback for an unknown conversation is
    refused, so that this endpoint cannot create conversations.
    """
    body = request.json if isinstance(request.json, dict) else {}
    sender, value = body.get("sender"), body.get("value")
    if not isinstance(sender, str) or not SENDER_ID.fullmatch(sender) \
            or value not in FEEDBACK_VALUES:
        return response.json({"error": "sender (32 hex) and value (up|down) are required"},
                             status=400, headers=SECURITY_HEADERS)
    agent = request.app.ctx.agent
    async with agent.lock_store.lock(sender):
        tracker = await agent.processor.get_tracker(sender)
        if not tracker.events:
            return response.json({"error": "unknown conversation"}, status=404,
                                 headers=SECURITY_HEADERS)
        tracker.update(SlotSet(FEEDBACK_SLOT, value))
        await agent.tracker_store.save(tracker)
    return response.empty(status=204, headers=SECURITY_HEADERS)
