"""A Rasa input channel that serves the demo page, the chat script and the privacy notice.

Messages themselves go through Rasa's REST channel (`/webhooks/rest/webhook`); this
channel only serves static files, so that `guichet run` needs no other web server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}
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

        return pages
