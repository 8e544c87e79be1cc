"""The rate limiter's arithmetic and memory bound, whom X-Forwarded-For is believed from, and
the global limit of the nginx template."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.server.ratelimit import WINDOW_SECONDS, ClientAddress, RateLimiter
from bot.tools.topology import NGINX_TEMPLATE, Topology


class Clock:
    """A clock the test moves by hand, so that no test waits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.unit
def test_a_key_gets_its_budget_then_waits_for_a_token():
    clock = Clock()
    limiter = RateLimiter(per_minute=3, clock=clock)
    assert [limiter.retry_after("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.retry_after("a") == 20  # one token every 60 / 3 s
    assert limiter.retry_after("b") == 0, "keys are independent"
    clock.now += 20
    assert limiter.retry_after("a") == 0
    assert limiter.retry_after("a") > 0


@pytest.mark.unit
def test_zero_disables_the_limit():
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.retry_after("a") == 0 for _ in range(1000))
    assert len(limiter) == 0


@pytest.mark.unit
def test_memory_stays_bounded_with_many_distinct_keys():
    clock = Clock()
    limiter = RateLimiter(per_minute=20, max_keys=1000, clock=clock)
    for number in range(100_000):
        assert limiter.retry_after(f"sender-{number}") == 0
    assert len(limiter) == 1000, "the hard cap holds while every key is active"
    clock.now += WINDOW_SECONDS
    limiter.retry_after("late")
    assert len(limiter) == 1, "keys idle for a window are dropped"


@pytest.mark.unit
def test_forwarded_for_is_believed_only_from_a_trusted_proxy():
    address = ClientAddress(["127.0.0.1", "10.0.0.0/8"])
    assert address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert address("192.0.2.1", "203.0.113.7") == "192.0.2.1", "untrusted peer"
    assert address("127.0.0.1", None) == "127.0.0.1"
    # The client wrote a fake first hop; nginx appended the real address, then a second
    # trusted proxy appended the first one's address.
    assert address("10.0.0.2", "1.2.3.4, 203.0.113.7, 10.0.0.1") == "203.0.113.7"
    assert ClientAddress([])("127.0.0.1", "203.0.113.7") == "127.0.0.1"


class CountingUpstream(BaseHTTPRequestHandler):
    """A stand-in for the Rasa instances: answers 200 and counts what reached it."""

    hits = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args) -> None:
        pass


@pytest.mark.services
def test_the_nginx_template_limits_the_whole_service_not_each_address():
    template = NGINX_TEMPLATE.read_text(encoding="utf-8")
    zone = re.search(r"limit_req_zone (\S+) zone=guichet", template).group(1)
    assert "remote_addr" not in zone and "forwarded" not in zone, "one bucket for everyone"
    burst = int(re.search(r"limit_req zone=guichet burst=(\d+) nodelay;", template).group(1))

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), CountingUpstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        with Topology({}) as topology:
            topology.balance([upstream.server_address[1]], rate_limit="1r/m")
            statuses = []
            while 429 not in statuses:
                assert len(statuses) < 3 * burst, "no 429 from nginx's global limit"
                request = urllib.request.Request(  # noqa: S310 (our own nginx on loopback)
                    topology.base_url + "/", headers={"X-Forwarded-For": f"192.0.2.{len(statuses)}"}
                )
                try:
                    with urllib.request.urlopen(request, context=topology.tls) as answer:  # noqa: S310
                        statuses.append(answer.status)
                except urllib.error.HTTPError as refused:
                    statuses.append(refused.code)
    finally:
        upstream.shutdown()
    # The burst passes (one more went through `balance`'s readiness check), whatever the
    # client claims to be; then nginx answers 429 itself, without bothering the instances.
    assert statuses.count(200) + 1 >= burst
    assert set(statuses) == {200, 429}
    assert CountingUpstream.hits == statuses.count(200) + 1
