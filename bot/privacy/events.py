"""The redaction of one serialised Rasa event: what the store, the brokers and the logs keep.

Text, parse data, entities, slot values and bot data are redacted with the project's Redactor;
client metadata is dropped; the sender id is replaced by a hashed reference wherever it is
published (`sender_reference`).
"""

from __future__ import annotations

import hashlib
from collections import Counter, OrderedDict
from typing import Any

from anonymization import Redactor

FAILED = "REDACTION_FAILED"
# Client metadata (IP address, user agent, ...) is personal data: none of it is kept.
KEPT_METADATA_KEYS: frozenset[str] = frozenset()


def sender_reference(sender_id: str) -> str:
    """A non-reversible reference for receipts, logs and analytics (never the sender id)."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:16]


def _kept_metadata(metadata: dict | None) -> dict:
    return {key: value for key, value in (metadata or {}).items() if key in KEPT_METADATA_KEYS}


class EventRedactor:
    """Redacts the free-text parts of one serialised Rasa event.

    `tally` counts what was detected, by entity type, and failures under REDACTION_FAILED:
    the figures (never the values) go to the analytics sink and the audit report.
    """

    def __init__(self, redactor: Redactor, clean_cache_size: int = 10_000) -> None:
        self.redactor = redactor
        self.tally: Counter[str] = Counter()
        # Digests of texts already found free of personal data. Bot answers, slot values and
        # entity values repeat from turn to turn: this avoids analysing them again.
        self._clean_digests: OrderedDict[bytes, None] = OrderedDict()
        self._clean_cache_size = clean_cache_size

    def text(self, value: Any, conversation_id: str) -> Any:
        if not isinstance(value, str) or not value:
            return value
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()
        if digest in self._clean_digests:
            self._clean_digests.move_to_end(digest)
            return value
        result = self.redactor.redact(value, conversation_id=conversation_id)
        self.tally.update(finding.entity_type for finding in result.entities)
        if result.failed:
            self.tally[FAILED] += 1  # the Redactor logs the failure itself
        elif not result.entities:
            self._remember_clean(digest)
        return result.text

    def _remember_clean(self, digest: bytes) -> None:
        self._clean_digests[digest] = None
        if len(self._clean_digests) > self._clean_cache_size:
            self._clean_digests.popitem(last=False)

    def redact(self, data: dict, conversation_id: str) -> tuple[dict, dict[str, int]]:
        """The redacted event and what its redaction found (entity type -> count)."""
        self.tally = Counter()
        return self.event(data, conversation_id), dict(self.tally)

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
