"""The Rasa input channels the widget talks to.

- `GuardedRestInput`: Rasa's REST channel (`POST /webhooks/rest/webhook`, same requests and
  replies) that refuses hostile input and floods before Rasa sees them, and answers with a
  polite degraded message when a turn fails;
- `WidgetChannel`: the widget's static files, demo page and privacy notice, so that
  `guichet run` needs no other web server, and its thumbs up/down feedback
  (`POST /webhooks/widget/feedback`).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.events import SlotSet
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.compat import Header
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_speedups
from bot.server.ratelimit import ClientAddress, RateLimiter
from bot.settings import PROJECT_ROOT, SENDER_ID, Settings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}
FEEDBACK_VALUES = {"up", "down"}
FEEDBACK_SLOT = "feedback"
# Read-only: Sanic's `response.redirect` adds its Location header to the dict it is given, so a
# shared dict passed there once would send that Location with every later response.
SECURITY_HEADERS = MappingProxyType({
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
})
MESSAGES_FILE = PROJECT_ROOT / "data" / "knowledge" / "messages.yml"
MAX_SENDER_CHARS = 256
# JSON may escape a character as 12 bytes ("\ud83d\ude00"); the rest of the body is small.
BODY_BYTES_PER_CHAR, BODY_OVERHEAD_BYTES = 12, 16_384


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
                request.path.rstrip("/") + "/index.html", headers=dict(SECURITY_HEADERS)
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
    try:
        body = json.loads(request.body)
    except (ValueError, RecursionError):  # bad UTF-8 or JSON: refused below, like a bad field
        body = None
    body = body if isinstance(body, dict) else {}
    sender, value = body.get("sender"), body.get("value")
    if not isinstance(sender, str) or not SENDER_ID.fullmatch(sender) \
            or not isinstance(value, str) or value not in FEEDBACK_VALUES:
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


@functools.cache
def _citizen_messages() -> dict[str, str]:
    messages = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    return {key: " ".join(text.split()) for key, text in messages.items() if isinstance(text, str)}


def citizen_text(key: str, **values: Any) -> str:
    """A French text from data/knowledge/messages.yml."""
    return _citizen_messages()[key].format(**values)


class Refused(Exception):
    """A request answered with an error before Rasa sees it."""

    def __init__(self, status: int, error: str, text: str, headers: dict | None = None):
        super().__init__(error)
        self.status, self.error, self.text, self.headers = status, error, text, headers or {}

    def response(self) -> HTTPResponse:
        # `error` is for programs, `message` is shown to the citizen by the widget.
        return response.json({"error": self.error, "message": self.text}, status=self.status,
                             headers={**SECURITY_HEADERS, **self.headers})


def _printable(value: Any, max_chars: int) -> bool:
    """A non-empty string of printable characters (no control character, no lone
    surrogate), at most `max_chars` long."""
    return isinstance(value, str) and 0 < len(value) <= max_chars and value.isprintable()


class GuardedRestInput(RestInput):
    """Rasa's REST channel behind input validation, rate limits and a degraded reply.

    credentials.yml: `bot.server.channels.GuardedRestInput:` instead of `rest:`. Same URL, same
    request (`sender`, `message`, optional `metadata`) and reply, so Rasa clients and the
    widget are unaffected. Limits come from `bot.settings.Settings` (GUICHET_* variables).
    """

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings or Settings()
        self.max_chars = settings.max_message_chars
        self.per_sender = RateLimiter(settings.rate_limit_per_sender)
        self.per_ip = RateLimiter(settings.rate_limit_per_ip)
        self.client_address = ClientAddress(settings.trusted_proxies)

    @classmethod
    def name(cls) -> str:
        return "rest"  # keeps /webhooks/rest/webhook

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("guichet_rest", __name__)

        @webhook.listener("after_server_start")  # Rasa loads the model before this
        async def freeze_startup_heap(_app, _loop) -> None:
            rasa_speedups.freeze_startup_heap()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"}, headers=SECURITY_HEADERS)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            try:
                sender, text, metadata = self._admitted(request)
            except Refused as refused:
                return refused.response()
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender, self.name(), metadata),
                    # A copy: the stream keeps the object it is given and CORS adds to it.
                    content_type="text/event-stream", headers=Header(SECURITY_HEADERS),
                )
            replies = await self._turn(on_new_message, sender, text, metadata)
            return response.json(replies, headers=SECURITY_HEADERS)

        return webhook

    def _admitted(self, request: Request) -> tuple[str, str, dict | None]:
        """The sender, text and metadata of an acceptable request; raises `Refused`."""
        address = self.client_address(request.ip, request.headers.get("X-Forwarded-For"))
        self._within_limit(self.per_ip, address)  # first: floods of garbage are cheap too
        sender, text, metadata = self.message_fields(request.body)
        self._within_limit(self.per_sender, sender)
        return sender, text, metadata

    def message_fields(self, body: bytes) -> tuple[str, str, dict | None]:
        """The sender, text and metadata of a request body; raises `Refused` (400 or 413)."""
        fields = self._parsed(body)
        sender, text, metadata = fields.get("sender"), fields.get("message"), fields.get("metadata")
        if not _printable(sender, MAX_SENDER_CHARS) or not isinstance(text, str) \
                or not isinstance(metadata, (dict, type(None))):
            raise self._unreadable("invalid_fields")
        if len(text) > self.max_chars > 0:
            raise self._too_long()
        if "\x00" in text or not _encodable(text):
            raise self._unreadable("invalid_characters")
        if not text.strip():
            raise Refused(400, "empty_message", citizen_text("error_empty"))
        return sender, text, metadata

    def _parsed(self, body: bytes) -> dict:
        if self.max_chars > 0 and len(body) > self.max_chars * BODY_BYTES_PER_CHAR \
                + BODY_OVERHEAD_BYTES:
            raise self._too_long()
        try:
            parsed = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError):  # bad UTF-8 or JSON, or absurdly deep nesting
            raise self._unreadable("invalid_json") from None
        if not isinstance(parsed, dict):
            raise self._unreadable("invalid_json")
        return parsed

    def _too_long(self) -> Refused:
        return Refused(413, "message_too_long",
                       citizen_text("error_too_long", max_chars=self.max_chars))

    @staticmethod
    def _unreadable(error: str) -> Refused:
        return Refused(400, error, citizen_text("error_unreadable"))

    @staticmethod
    def _within_limit(limiter: RateLimiter, key: str) -> None:
        wait = limiter.retry_after(key)
        if wait:
            raise Refused(429, "too_many_requests",
                          citizen_text("error_too_many", retry_after=wait),
                          {"Retry-After": str(wait)})

    async def _turn(self, on_new_message, sender: str, text: str, metadata: dict | None):
        """The bot's replies; the degraded message if the turn failed.

        Every Guichet turn answers something (rules and fallbacks end with a response), so
        an empty reply means a failure: Rasa logs a failed action (e.g. the action server is
        down) and goes on without sending anything.
        """
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata,
            ))
            failed = not collector.messages
        except Exception:  # noqa: BLE001 (the citizen still gets an answer; the error is logged)
            logger.exception("The turn failed.")
            failed = True
        if failed:
            logger.warning("The turn produced no answer: sending the degraded reply.")
            collector.messages.append({"recipient_id": sender, "text": citizen_text("degraded")})
        return collector.messages


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a "\ud800" JSON escape
        return False
    return True
