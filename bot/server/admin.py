"""Administration over HTTP: `GET /webhooks/audit/report`, the figures of `guichet audit report`.

Only for a bearer of GUICHET_ADMIN_TOKEN (`Authorization: Bearer <token>`); without a
configured token the endpoint is off (403). The figures come from the redacted analytics
sink: counts, intents, entity types and official source URLs, never conversation text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_compat
from bot.privacy import audit as audit_figures
from bot.server.api_auth import bearer_refusal, json_error
from bot.server.channels import SECURITY_HEADERS
from bot.server.erasure import redacting_store
from bot.settings import Settings


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
            refused = bearer_refusal(request, self.token, SECURITY_HEADERS)
            if refused is not None:
                return refused
            try:
                # A blank `since=` is an error, not the default (Sanic drops blank values).
                since = request.get_args(keep_blank_values=True).get("since", "1970-01-01")
                start = audit_figures.day_start(since)
            except ValueError:
                return json_error(400, "since must be a date, YYYY-MM-DD", SECURITY_HEADERS)
            agent = rasa_compat.server_agent(request.app)
            sink = redacting_store(agent.tracker_store).event_broker
            if not hasattr(sink, "session"):
                return json_error(
                    503, "the audit needs the SQL analytics sink (event_broker)", SECURITY_HEADERS
                )
            figures = audit_figures.compute_figures(sink, start)
            return response.json({"since": since, **figures.as_dict()}, headers=SECURITY_HEADERS)

        return audit
