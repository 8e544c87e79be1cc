"""Runtime settings, read from environment variables with embedded defaults."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The widget's sender ids: 128 random bits in hexadecimal (see static/guichet.js). Such an id
# is also the citizen's erasure token, so logs mask it.
SENDER_ID = re.compile(r"[0-9a-f]{32}")


def _env_list(name: str, default: str) -> list[str]:
    return [item for item in os.environ.get(name, default).replace(",", " ").split() if item]


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass(frozen=True)
class Settings:
    """Where the assistant listens and keeps its files.

    Every value has a default that works on a laptop with no external service.
    """

    host: str = field(default_factory=lambda: os.environ.get("GUICHET_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(os.environ.get("GUICHET_PORT", "5005")))
    actions_port: int = field(
        default_factory=lambda: int(os.environ.get("GUICHET_ACTIONS_PORT", "5055"))
    )
    data_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("GUICHET_DATA_DIR", PROJECT_ROOT / "var"))
    )
    model: Path = field(
        default_factory=lambda: Path(
            os.environ.get("GUICHET_MODEL", PROJECT_ROOT / "models" / "guichet.tar.gz")
        )
    )
    extra_cors_origins: list[str] = field(
        default_factory=lambda: _env_list("GUICHET_CORS_ORIGINS", "")
    )
    # Abuse limits of the REST channel (bot.server.channels.GuardedRestInput); 0 disables a limit.
    rate_limit_per_sender: int = field(
        default_factory=lambda: _env_int("GUICHET_RATE_LIMIT_PER_SENDER", 20)
    )
    rate_limit_per_ip: int = field(
        default_factory=lambda: _env_int("GUICHET_RATE_LIMIT_PER_IP", 120)
    )
    max_message_chars: int = field(
        default_factory=lambda: _env_int("GUICHET_MAX_MESSAGE_CHARS", 2000)
    )
    # Load balancers whose X-Forwarded-For header is believed (addresses or networks).
    trusted_proxies: list[str] = field(
        default_factory=lambda: _env_list("GUICHET_TRUSTED_PROXIES", "")
    )
    # Bearer token of the audit endpoint and of Rasa's HTTP API; empty: both are off.
    admin_token: str = field(
        default_factory=lambda: os.environ.get("GUICHET_ADMIN_TOKEN", ""), repr=False
    )

    @property
    def cors_origins(self) -> list[str]:
        """The server's own origins (for the demo page) plus the configured websites."""
        own = [f"http://localhost:{self.port}", f"http://127.0.0.1:{self.port}"]
        return own + [o for o in self.extra_cors_origins if o not in own]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"
