"""`guichet bench soak`: a long run at a steady load, to see what drifts.

One Rasa instance and its action server run with the production services
(endpoints.production.yml: PostgreSQL, Redis locks, RabbitMQ; bot/tools/topology.py) and the
production per-sender rate limit. `--users` simulated citizens each hold conversations of the
benchmark's script (bot/tools/benchmark.py) back to back, each conversation with a new sender
id, for `--minutes`, over HTTP on loopback. After a warm-up conversation per user, the run
reports:

- the resident memory (RSS) of each server process (with any child it forks), sampled every
  few seconds: at the start, at the end of each fifth of the run, its peak, and its growth;
- the turn latency per fifth of the run, and the p95 drift between the first and last fifth
  (the turns are assigned to a fifth by the time they started);
- errors: replies other than 200, failed requests, and degraded replies (a turn that failed
  inside the server answers the citizen politely: bot.server.channels.GuardedRestInput).

The machine's load average and the CPU share the rest of the machine took are printed too: on
a shared machine, a p95 drift can come from a neighbour rather than from the assistant.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import dataclasses
import os
import threading
import time
import uuid
from pathlib import Path

from bot.tools.benchmark import SCRIPT, _machine_cpu
from evaluation.benchmark import percentile

FIFTHS = 5
SAMPLE_SECONDS = 2.0
TARGETS = "targets: RSS growth < 50 MB per process, p95 drift < 15 %, 0 errors"


def _descendants(pid: int) -> list[int]:
    """`pid` and every process it started, recursively (Linux /proc)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # ended meanwhile
        pending.extend(int(child) for child in children)
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and its descendants, in bytes."""
    total = 0
    for process in _descendants(pid):
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


class RssSampler:
    """Samples the RSS of named processes every `interval` seconds in a thread."""

    def __init__(self, pids: dict[str, int], interval: float = SAMPLE_SECONDS) -> None:
        self.pids, self.interval = pids, interval
        self.samples: list[tuple[float, dict[str, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        self.samples.append(
            (time.monotonic(), {role: rss_bytes(pid) for role, pid in self.pids.items()})
        )

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def at(self, moment: float) -> dict[str, int]:
        """The last sample taken at or before `moment` (the first one if none)."""
        earlier = [values for taken, values in self.samples if taken <= moment]
        return earlier[-1] if earlier else self.samples[0][1]


@dataclasses.dataclass
class Turn:
    started: float
    seconds: float


async def _load(
    url: str,
    users: int,
    seconds: float,
    degraded: str,
    errors: collections.Counter,
    conversations: int | None = None,
) -> list[Turn]:
    """`users` concurrent citizens, each holding conversations of SCRIPT back to back until
    `seconds` have passed (or `conversations` each); every turn's start and latency. Errors
    are counted by kind."""
    import aiohttp

    deadline = time.monotonic() + seconds
    turns: list[Turn] = []

    async def citizen(session) -> None:
        held = 0
        while time.monotonic() < deadline and held != conversations:
            held += 1
            sender = uuid.uuid4().hex
            for text in SCRIPT:
                if time.monotonic() >= deadline:
                    return
                start = time.monotonic()
                try:
                    async with session.post(
                        url, json={"sender": sender, "message": text}
                    ) as response:
                        replies = await response.json() if response.status == 200 else None
                        if response.status != 200:
                            errors[f"HTTP {response.status}"] += 1
                        elif any(reply.get("text") == degraded for reply in replies):
                            errors["degraded reply"] += 1
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                    errors[type(error).__name__] += 1
                turns.append(Turn(start, time.monotonic() - start))

    timeout = aiohttp.ClientTimeout(total=None, sock_read=120)
    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(citizen(session) for _ in range(users)))
    return turns


@dataclasses.dataclass
class Fifth:
    turns: int
    turns_per_second: float
    p50_ms: float
    p95_ms: float
    rss_mb: dict[str, float]  # at the end of the fifth


@dataclasses.dataclass
class SoakReport:
    minutes: float
    users: int
    turns: int
    errors: dict[str, int]
    fifths: list[Fifth]
    rss_start_mb: dict[str, float]
    rss_peak_mb: dict[str, float]
    rss_growth_mb: dict[str, float]
    p95_drift: float  # (last fifth's p95 - first fifth's p95) / first fifth's p95
    load_before: str
    load_after: str
    machine_busy: float  # share of all cores busy during the run (every process)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def lines(self) -> list[str]:
        roles = list(self.rss_start_mb)
        lines = [
            f"{self.users} concurrent conversations for {self.minutes:g} min: "
            f"{self.turns} turns, {self.error_count} errors (warm-up included)"
            + (
                f" ({', '.join(f'{kind}: {n}' for kind, n in self.errors.items())})"
                if self.errors
                else ""
            ),
            f"{'fifth':<7}{'turns':>7}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
            + "".join(f"{role + ' MB':>20}" for role in roles),
        ]
        for index, fifth in enumerate(self.fifths, 1):
            lines.append(
                f"{index:<7}{fifth.turns:>7}{fifth.turns_per_second:>9.1f}{fifth.p50_ms:>9.0f}"
                f"{fifth.p95_ms:>9.0f}" + "".join(f"{fifth.rss_mb[role]:>20.1f}" for role in roles)
            )
        for role in roles:
            lines.append(
                f"RSS {role}: {self.rss_start_mb[role]:.1f} MB after warm-up, peak "
                f"{self.rss_peak_mb[role]:.1f} MB, growth {self.rss_growth_mb[role]:+.1f} MB"
            )
        lines += [
            f"p95 drift, last fifth vs first: {self.p95_drift:+.1%}",
            f"load average before {self.load_before}, after {self.load_after}; all cores "
            f"{self.machine_busy:.0%} busy during the run (the machine may be shared)",
            TARGETS,
        ]
        return lines


def _mb(value: int) -> float:
    return value / 1_000_000


def summarise(
    minutes: float,
    users: int,
    turns: list[Turn],
    errors: collections.Counter,
    sampler: RssSampler,
    started: float,
    **machine,
) -> SoakReport:
    """The report of a run whose load started at `started` and lasted `minutes`."""
    span = minutes * 60 / FIFTHS
    latencies: list[list[float]] = [[] for _ in range(FIFTHS)]
    for turn in turns:  # the last turns may start a moment after the nominal end
        latencies[min(FIFTHS - 1, int((turn.started - started) / span))].append(turn.seconds)
    fifths = [
        Fifth(
            turns=len(values),
            turns_per_second=len(values) / span,
            p50_ms=percentile(values or [0.0], 0.5) * 1000,
            p95_ms=percentile(values or [0.0], 0.95) * 1000,
            rss_mb={
                role: _mb(value) for role, value in sampler.at(started + (index + 1) * span).items()
            },
        )
        for index, values in enumerate(latencies)
    ]
    first, last = sampler.samples[0][1], sampler.samples[-1][1]
    roles = list(first)
    return SoakReport(
        minutes=minutes,
        users=users,
        turns=len(turns),
        errors=dict(errors),
        fifths=fifths,
        rss_start_mb={role: _mb(first[role]) for role in roles},
        rss_peak_mb={
            role: _mb(max(values[role] for _, values in sampler.samples)) for role in roles
        },
        rss_growth_mb={role: _mb(last[role] - first[role]) for role in roles},
        p95_drift=(fifths[-1].p95_ms - fifths[0].p95_ms) / fifths[0].p95_ms
        if fifths[0].p95_ms
        else 0.0,
        **machine,
    )


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_soak(minutes: float, users: int) -> SoakReport:
    """Start the stack, warm it up, hold the load for `minutes`, and report."""
    from bot.server.channels import citizen_text
    from bot.tools.topology import Topology, production_services

    degraded = citizen_text("degraded")
    with production_services() as env, Topology(env) as topology:
        # The production per-sender limit (each citizen is well below it); all the simulated
        # citizens share one address, so the per-IP limit stays off (Topology's default).
        topology.env["GUICHET_RATE_LIMIT_PER_SENDER"] = os.environ.get(
            "GUICHET_RATE_LIMIT_PER_SENDER", "20"
        )
        topology.start(instances=1)
        actions, rasa = topology.processes
        url = f"http://127.0.0.1:{topology.instance_ports[0]}/webhooks/rest/webhook"
        errors: collections.Counter = collections.Counter()  # the warm-up's count too
        asyncio.run(_load(url, users, float("inf"), degraded, errors, conversations=1))
        load_before, busy_before = _load_average(), _machine_cpu()
        with RssSampler({"Rasa server": rasa.pid, "action server": actions.pid}) as sampler:
            started = time.monotonic()
            turns = asyncio.run(_load(url, users, minutes * 60, degraded, errors))
            ended = time.monotonic()
        busy = (_machine_cpu() - busy_before) / (ended - started) / os.cpu_count()
        return summarise(
            minutes,
            users,
            turns,
            errors,
            sampler,
            started,
            load_before=load_before,
            load_after=_load_average(),
            machine_busy=busy,
        )


def bench_soak(args: argparse.Namespace) -> int:
    print(
        f"soak: {args.users} users for {args.minutes:g} min, one Rasa instance and its action"
        " server, PostgreSQL, Redis locks, RabbitMQ, redaction on",
        flush=True,
    )
    report = run_soak(args.minutes, args.users)
    print("\n".join(report.lines()))
    return 0


def add_soak_command(bench_commands) -> None:
    soak = bench_commands.add_parser(
        "soak", help="RSS growth, p95 drift and errors under a steady load for N minutes"
    )
    soak.add_argument("--minutes", type=float, default=20, help="duration of the measured load")
    soak.add_argument("--users", type=int, default=10, help="concurrent conversations")
    soak.set_defaults(func=bench_soak)
