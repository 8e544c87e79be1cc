"""The admin token of Rasa's HTTP API and of Guichet's administration routes.

Rasa's own `--auth-token` has three gaps: the token sits on the command line (any user of
the host reads it in the process list), it is compared with `==`, and it is taken from the
query string (`?token=`), which proxies and access logs keep. Here instead:

- the token comes from `GUICHET_ADMIN_TOKEN_FILE` or `GUICHET_ADMIN_TOKEN` (bot.settings);
  a token on Rasa's command line stops the server at start with a one-line message;
- it is read from `Authorization: Bearer <token>` only, compared in constant time;
- a request with a `token` query parameter is refused on every route (400), before any
  handler runs;
- without a configured token, Rasa's API refuses every request (403) instead of being open.

`install()` replaces Rasa's `requires_auth` and wraps its `configure_app`. bot.server.channels calls
it when Rasa loads the channels of credentials.yml, which happens before Rasa builds its
app: `guichet run` and a bare `rasa run` are protected alike.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from inspect import isawaitable
from typing import Any

import rasa.core.run
import rasa.server
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings

REFUSED_IN_URL = (
    "a token in the URL is refused: proxies and access logs keep URLs; "
    "send it as `Authorization: Bearer <token>`"
)
REFUSED_ON_COMMAND_LINE = (
    "guichet: --auth-token puts the token in the process list; set GUICHET_ADMIN_TOKEN_FILE "
    "(or GUICHET_ADMIN_TOKEN) instead and start with --enable-api only"
)
_rasa_requires_auth = rasa.server.requires_auth
_rasa_configure_app = rasa.core.run.configure_app


def json_error(status: int, error: str, headers: dict, extra: dict | None = None) -> HTTPResponse:
    return response.json({"error": error}, status=status, headers={**headers, **(extra or {})})


def bearer_refusal(request: Request, token: str, headers: dict) -> HTTPResponse | None:
    """None if the request carries `Authorization: Bearer <token>`, else the error response
    (403 when no token is configured: the route is off)."""
    if not token:
        return json_error(403, "administration is off: set GUICHET_ADMIN_TOKEN_FILE", headers)
    scheme, _, provided = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(provided.encode(), token.encode()):
        return json_error(
            401, "a valid bearer token is required", headers, {"WWW-Authenticate": "Bearer"}
        )
    return None


def install(headers: dict) -> None:
    """Protect Rasa's HTTP API and refuse URL tokens; `headers` go on every refusal."""
    if rasa.server.requires_auth is not _rasa_requires_auth:
        return

    def requires_admin_token(app: Sanic, token: str | None = None):
        if token is not None:
            raise SystemExit(REFUSED_ON_COMMAND_LINE)
        admin_token = Settings().admin_token
        with_jwt = _rasa_requires_auth(app, None)  # Rasa's JWT check, if --jwt-secret is set

        def decorator(handler: Callable) -> Callable:
            jwt_checked = with_jwt(handler)

            @wraps(handler)
            async def decorated(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                refused = bearer_refusal(request, admin_token, headers)
                if refused is not None and app.config.get("USE_JWT"):
                    return await jwt_checked(request, *args, **kwargs)
                if refused is not None:
                    return refused
                result = handler(request, *args, **kwargs)
                return await result if isawaitable(result) else result

            return decorated

        return decorator

    def configure_app(*args: Any, **kwargs: Any) -> Sanic:
        app = _rasa_configure_app(*args, **kwargs)

        @app.on_request
        async def refuse_query_token(request: Request) -> HTTPResponse | None:
            if any(name.lower() == "token" for name in request.get_args(keep_blank_values=True)):
                return json_error(400, REFUSED_IN_URL, headers)
            return None

        return app

    rasa.server.requires_auth = requires_admin_token
    rasa.core.run.configure_app = configure_app
