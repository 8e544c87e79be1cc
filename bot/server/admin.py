"""Administration over HTTP: `GET /webhooks/audit/report`, the figures of `guichet audit report`.

Only for a bearer of GUICHET_ADMIN_TOKEN (`Authorization: Bearer <token>`); without a
configured token the endpoint is off (403). The figures come from the redacted analytics
sink: counts, intents, entity types and official source URLs, never conversation text.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_compat
from bot.privacy import audit as audit_figures
from bot.server.channels import SECURITY_HEADERS
from bot.server.erasure import redacting_store
from bot.settings import Settings


def _error(status: int, error: str, headers: dict | None = None) -> HTTPResponse:
    return response.json(
        {"error": error}, status=status, headers={**SECURITY_HEADERS, **(headers or {})}
    )


def refusal(request: Request, token: str) -> HTTPResponse | None:
    """None if the request carries the admin token, else the error response."""
    if not token:
        return _error(403, "administration is off: set GUICHET_ADMIN_TOKEN")
    scheme, _, provided = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(provided.encode(), token.encode()):
        return _error(401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"})
    return None


class AuditChannel(InputChannel):
    """The audit route (credentials.yml: `bot.server.admin.AuditChannel:`)."""

    def __init__(self, token: str | None = None) -> None:
        self.token = Settings().admin_token if token is None else token

    @classmethod
    def name(cls) -> str:
        return "audit"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        audit = Blueprint("guichet_audit", __name__)

        @audit.route("/report", methods=["GET"])
        async def report(request: Request) -> HTTPResponse:
            refused = refusal(request, self.token)
            if refused is not None:
                return refused
            try:
                since = request.args.get("since", "1970-01-01")
                start = audit_figures.day_start(since)
            except ValueError:
                return _error(400, "since must be a date, YYYY-MM-DD")
            agent = rasa_compat.server_agent(request.app)
            sink = redacting_store(agent.tracker_store).event_broker
            if not hasattr(sink, "session"):
                return _error(503, "the audit needs the SQL analytics sink (event_broker)")
            figures = audit_figures.compute_figures(sink, start)
            return response.json({"since": since, **figures.as_dict()}, headers=SECURITY_HEADERS)

        return audit
