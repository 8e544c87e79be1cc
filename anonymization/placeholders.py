"""Per-conversation placeholder numbering, kept in memory only and bounded."""

import hashlib
import hmac
import os
import threading
import time
from collections.abc import Hashable

from cachetools import TTLCache

from anonymization.text import compact


class Numbering:
    """Numbers of the values seen in one conversation: <PERSON_1>, <PERSON_2>, ..."""

    def __init__(self):
        self.numbers: dict[tuple[str, bytes], int] = {}
        self.counts: dict[str, int] = {}

    def number(self, entity: str, key: bytes) -> int:
        """The number of this value, a new one if it was not seen yet."""
        if (entity, key) not in self.numbers:
            self.counts[entity] = self.counts.get(entity, 0) + 1
            self.numbers[(entity, key)] = self.counts[entity]
        return self.numbers[(entity, key)]


class PlaceholderRegistry:
    """Thread-safe LRU + TTL store of one Numbering per conversation.

    Values are never stored: the keys are HMACs of the normalised value under a
    random key that lives only in this process.
    """

    def __init__(self, max_conversations: int = 10000, ttl_seconds: float = 86400.0):
        self.max_conversations = max_conversations
        self.ttl_seconds = ttl_seconds
        self._key = os.urandom(32)
        # Least recently used first; a conversation idle for `ttl_seconds` is dropped.
        self._conversations: TTLCache[Hashable, Numbering] = TTLCache(
            max_conversations, ttl_seconds, timer=time.monotonic
        )
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._conversations)

    def key(self, value: str) -> bytes:
        """Keyed digest of a value, equal for '06 12 34 56 78' and '0612345678'."""
        return hmac.new(self._key, compact(value).encode("utf-8"), hashlib.sha256).digest()

    def placeholders(self, conversation_id: Hashable | None, values):
        """Return '<TYPE_n>' for each (entity, value) pair, in order."""
        keys = [(entity, self.key(value)) for entity, value in values]
        with self._lock:
            numbering = self._numbering(conversation_id)
            return [f"<{entity}_{numbering.number(entity, key)}>" for entity, key in keys]

    def forget(self, conversation_id: Hashable) -> None:
        """Drop a conversation's numbering."""
        with self._lock:
            self._conversations.pop(conversation_id, None)

    def _numbering(self, conversation_id: Hashable | None) -> Numbering:
        if conversation_id is None:
            return Numbering()
        numbering = self._conversations.get(conversation_id) or Numbering()
        self._conversations[conversation_id] = numbering  # used now: expires later
        return numbering
