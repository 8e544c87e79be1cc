"""Per-key rate limiting with bounded memory, and the client address behind trusted proxies.

One `RateLimiter` per kind of key (sender id, client IP) lives in the Rasa server process.
Each key has a token bucket: `per_minute` tokens, refilled continuously. A key idle for a
minute has a full bucket again, which is the same as having no entry, so idle keys are
dropped; a hard cap on the number of keys bounds memory even when many keys are active.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from dataclasses import dataclass

WINDOW_SECONDS = 60.0
MAX_KEYS = 50_000  # ~100 bytes a key: a few MB at most, whatever the traffic


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`per_minute` requests per key and per minute, in bursts of up to `per_minute`.

    `per_minute <= 0` disables the limit. Not thread-safe: Sanic handlers run on one
    event loop.
    """

    def __init__(self, per_minute: int, max_keys: int = MAX_KEYS, clock=time.monotonic):
        self.per_minute = per_minute
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()  # least recently used first

    def __len__(self) -> int:
        return len(self._buckets)

    def retry_after(self, key: str) -> int:
        """0 if `key` may go on now (and its request is counted), else seconds to wait."""
        if self.per_minute <= 0:
            return 0
        now = self._clock()
        self._evict_idle(now)
        rate = self.per_minute / WINDOW_SECONDS
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.per_minute), now)
        bucket.tokens = min(self.per_minute, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        self._buckets[key] = bucket
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / rate))

    def _evict_idle(self, now: float) -> None:
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if now - oldest.updated < WINDOW_SECONDS:
                return
            self._buckets.popitem(last=False)


def _networks(proxies: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(proxy, strict=False) for proxy in proxies]


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class ClientAddress:
    """The citizen's address: the peer, or X-Forwarded-For when the peer is a trusted proxy.

    `trusted_proxies` lists addresses or networks (e.g. "127.0.0.1", "10.0.0.0/8") of the
    load balancers. X-Forwarded-For is read from the right, skipping trusted proxies, so a
    client cannot pick its own address by sending the header itself.
    """

    def __init__(self, trusted_proxies: list[str]):
        self._networks = _networks(trusted_proxies)

    def __call__(self, peer: str, forwarded_for: str | None) -> str:
        if not forwarded_for or not _is_trusted(peer, self._networks):
            return peer
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not _is_trusted(hop, self._networks):
                return hop
        return hops[0] if hops else peer
