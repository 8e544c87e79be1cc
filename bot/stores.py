"""A SQL tracker store that only ever persists redacted events.

Rasa's SQLTrackerStore writes every message in clear text. This subclass redacts each new
event (text, parse data, entities, slot values, metadata) with the project's Redactor before
it reaches the database or the event broker. Conversations still work across turns and
restarts: the next turn is rebuilt from the redacted events, and slots the dialogue relies on
(procedure ids, question kinds) are not personal data, so they survive redaction unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from anonymization import Redactor

logger = logging.getLogger(__name__)

ERASURE_ACTION = "action_erase_conversation"
# Client metadata (IP address, user agent, ...) is personal data: none of it is kept.
KEPT_METADATA_KEYS: frozenset[str] = frozenset()


def sender_reference(sender_id: str) -> str:
    """A short, non-reversible reference for receipts and logs (never the sender id itself)."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:12]


def _kept_metadata(metadata: dict | None) -> dict:
    return {key: value for key, value in (metadata or {}).items() if key in KEPT_METADATA_KEYS}


class EventRedactor:
    """Redacts the free-text parts of one serialised Rasa event."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor

    def text(self, value: Any, conversation_id: str) -> Any:
        if not isinstance(value, str) or not value:
            return value
        return self.redactor.redact(value, conversation_id=conversation_id).text

    def event(self, data: dict, conversation_id: str) -> dict:
        data = dict(data)
        if "text" in data:
            data["text"] = self.text(data["text"], conversation_id)
        if "metadata" in data:
            data["metadata"] = _kept_metadata(data["metadata"])
        if data.get("event") == "slot":
            data["value"] = self.value(data.get("value"), conversation_id)
        if data.get("event") == "entities":
            data["entities"] = self.entities(data.get("entities"), conversation_id)
        if data.get("parse_data"):
            data["parse_data"] = self.parse_data(
                data["parse_data"], data.get("text"), conversation_id
            )
        if data.get("event") == "bot" and data.get("data"):
            data["data"] = self.value(data["data"], conversation_id)
        return data

    def parse_data(self, parse_data: dict, redacted_text: Any, conversation_id: str) -> dict:
        parse_data = dict(parse_data)
        parse_data["text"] = redacted_text
        parse_data["entities"] = self.entities(parse_data.get("entities"), conversation_id)
        if "metadata" in parse_data:
            parse_data["metadata"] = _kept_metadata(parse_data["metadata"])
        # Retrieval-intent details repeat training examples and responses: not needed for audit.
        parse_data.pop("response_selector", None)
        return parse_data

    def entities(self, entities: Any, conversation_id: str) -> list:
        return [
            {**entity, "value": self.value(entity.get("value"), conversation_id)}
            for entity in entities or []
        ]

    def value(self, value: Any, conversation_id: str) -> Any:
        """Redact strings anywhere inside a JSON-like value (slots can hold lists and dicts)."""
        if isinstance(value, str):
            return self.text(value, conversation_id)
        if isinstance(value, list):
            return [self.value(item, conversation_id) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item, conversation_id) for key, item in value.items()}
        return value


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose database rows and broker messages are redacted.

    Configure it in endpoints.yml with `type: bot.stores.RedactingSQLTrackerStore` and the
    usual SQLTrackerStore keys (`dialect`, `db`, `url`, ...).
    """

    def __init__(self, *args: Any, redactor: Redactor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event_redactor = EventRedactor(redactor or Redactor.from_policy())

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            if any(_is_erasure(event) for event in new_events):
                self._erase(session, tracker.sender_id)
                return
            redacted = [
                self.event_redactor.event(event.as_dict(), tracker.sender_id)
                for event in new_events
            ]
            for data in redacted:
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=data["event"],
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        self._publish(tracker.sender_id, redacted)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Never publish the raw tracker: `save` publishes the redacted events itself."""

    def _publish(self, sender_id: str, redacted_events: list[dict]) -> None:
        if self.event_broker is None:
            return
        for data in redacted_events:
            self.event_broker.publish({"sender_id": sender_id, **data})

    def _erase(self, session: Any, sender_id: str) -> int:
        deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
        session.commit()
        self.event_redactor.redactor.forget(sender_id)
        logger.info(
            "Erasure receipt: conversation %s, %d stored events deleted",
            sender_reference(sender_id), deleted,
        )
        return deleted


def _is_erasure(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ERASURE_ACTION
