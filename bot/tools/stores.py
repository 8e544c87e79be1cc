"""Open the configured tracker store and analytics sink outside the server (`guichet` commands)."""

from __future__ import annotations

import os
from typing import Any

from rasa.shared.core.domain import Domain

from bot.privacy.brokers import RedactingSQLEventBroker
from bot.privacy.store import RedactingSQLTrackerStore
from bot.server.launcher import endpoints_config
from bot.settings import Settings


def _sql_options(section: dict[str, Any]) -> dict[str, Any]:
    """Endpoint keys as constructor arguments, with ${VARIABLES} substituted like Rasa does."""
    options = {
        key: os.path.expandvars(value) if isinstance(value, str) else value
        for key, value in section.items()
        if key != "type"
    }
    if "url" in options:
        options["host"] = options.pop("url")
    return options


def open_stores(settings: Settings | None = None) -> RedactingSQLTrackerStore:
    """The redacting tracker store of endpoints.yml, with its SQL analytics sink attached."""
    endpoints = endpoints_config(settings or Settings())
    broker_section = endpoints.get("event_broker") or {}
    broker = (
        RedactingSQLEventBroker(**_sql_options(broker_section))
        if broker_section.get("type", "").endswith("RedactingSQLEventBroker")
        else None
    )
    return RedactingSQLTrackerStore(
        domain=Domain.empty(),
        event_broker=broker,
        purge_in_background=False,
        **_sql_options(endpoints["tracker_store"]),
    )
