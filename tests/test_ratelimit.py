"""The rate limiter's arithmetic and memory bound, and whom X-Forwarded-For is believed from."""

from __future__ import annotations

from bot.server.ratelimit import WINDOW_SECONDS, ClientAddress, RateLimiter


class Clock:
    """A clock the test moves by hand, so that no test waits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_its_budget_then_waits_for_a_token():
    clock = Clock()
    limiter = RateLimiter(per_minute=3, clock=clock)
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.retry_after("a") == 20  # one token every 60 / 3 s
    assert limiter.retry_after("b") == 0, "keys are independent"
    clock.now += 20
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") > 0


def test_zero_disables_the_limit():
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.retry_after("a") == 0 for _ in range(1000))
    assert len(limiter) == 0


def test_memory_stays_bounded_with_many_distinct_keys():
    clock = Clock()
    limiter = RateLimiter(per_minute=20, max_keys=1000, clock=clock)
    for number in range(100_000):
        assert limiter.retry_after(f"sender-{number}") == 0
    assert len(limiter) == 1000, "the hard cap holds while every key is active"
    clock.now += WINDOW_SECONDS
    limiter.retry_after("late")
    assert len(limiter) == 1, "keys idle for a window are dropped"


def test_forwarded_for_is_believed_only_from_a_trusted_proxy():
    address = ClientAddress(["127.0.0.1", "10.0.0.0/8"])
    assert address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert address("192.0.2.1", "203.0.113.7") == "192.0.2.1", "untrusted peer"
    assert address("127.0.0.1", None) == "127.0.0.1"
    # The client wrote a fake first hop; nginx appended the real address, then a second
    # trusted proxy appended the first one's address.
    assert address("10.0.0.2", "1.2.3.4, 203.0.113.7, 10.0.0.1") == "203.0.113.7"
    assert ClientAddress([])("127.0.0.1", "203.0.113.7") == "127.0.0.1"
