"""The HTTP contract: `GET /webhooks/openapi.json`, the OpenAPI 3.1 description of Guichet's
routes, kept in openapi.yml beside this module (credentials.yml: `bot.server.openapi.ApiChannel:`).

The same channel makes Sanic's own errors (an unknown URL, a method a route does not take, an
unreadable body) answer like Guichet's routes: `{"error": ...}` in JSON, with the security
headers, and the `Allow` header a 405 must carry (Sanic 21.12 drops it from JSON errors).

tests/test_openapi.py checks the description against the routes the server registers, in both
directions, and runs schemathesis against the running server.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.server.channels import SECURITY_HEADERS

SPEC_FILE = Path(__file__).resolve().parent / "openapi.yml"


@functools.cache
def description() -> bytes:
    """openapi.yml as JSON bytes (read once)."""
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    return json.dumps(spec, ensure_ascii=False).encode("utf-8")


def http_error(_request: Request, error: SanicException) -> HTTPResponse:
    """Sanic's own errors in Guichet's form. The text is the status's (never the request's:
    a path may hold a sender id)."""
    status = HTTPStatus(error.status_code)
    return response.json(
        {"error": status.phrase.lower()},
        status=status.value,
        headers={**SECURITY_HEADERS, **(getattr(error, "headers", None) or {})},
    )


class ApiChannel(InputChannel):
    """Serves the description at /webhooks/openapi.json."""

    @classmethod
    def name(cls) -> str:
        return "openapi"

    def url_prefix(self) -> str:
        return "openapi.json"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        api = Blueprint("guichet_openapi", __name__)

        @api.listener("before_server_start")
        async def json_errors(app: Sanic, _loop) -> None:
            app.error_handler.add(SanicException, http_error)

        @api.route("/", methods=["GET"], strict_slashes=False)
        async def openapi(_: Request) -> HTTPResponse:
            return response.raw(
                description(), content_type="application/json", headers=SECURITY_HEADERS
            )

        return api
