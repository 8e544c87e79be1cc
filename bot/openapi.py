"""The HTTP contract: `GET /webhooks/openapi.json`, the OpenAPI 3.1 description of Guichet's
routes, kept in openapi.yml beside this module (credentials.yml: `bot.openapi.ApiChannel:`).

tests/test_openapi.py checks it against the routes the server registers, in both directions.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import SECURITY_HEADERS

SPEC_FILE = Path(__file__).resolve().parent / "openapi.yml"


@functools.cache
def description() -> bytes:
    """openapi.yml as JSON bytes (read once)."""
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    return json.dumps(spec, ensure_ascii=False).encode("utf-8")


class ApiChannel(InputChannel):
    """Serves the description at /webhooks/openapi.json."""

    @classmethod
    def name(cls) -> str:
        return "openapi"

    def url_prefix(self) -> str:
        return "openapi.json"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        api = Blueprint("guichet_openapi", __name__)

        @api.route("/", methods=["GET"], strict_slashes=False)
        async def openapi(_: Request) -> HTTPResponse:
            return response.raw(description(), content_type="application/json",
                                headers=SECURITY_HEADERS)

        return api
