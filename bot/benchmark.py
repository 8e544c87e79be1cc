"""Benchmarks of the assistant, in one run each.

`guichet bench turns`: turn latency with and without the redaction layer. Two agents share
the trained model and one action server. One stores conversations with Rasa's own
SQLTrackerStore (no redaction); the other with Guichet's redacting store and analytics sink.
Both use in-memory SQLite, so that the baseline writes no raw text to disk and the comparison
isolates what redaction costs. Turns alternate between the two agents.

`guichet bench load`: throughput and turn latency of one Rasa instance, then two behind
nginx, with the production services (bot/topology.py): concurrent conversations over HTTPS.
It also prints the CPU time each process spent per turn (from /proc, Linux): on a small
machine this shows which process saturates a core, and how much the rest of the machine
(PostgreSQL, RabbitMQ, Redis, anything else running) took meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from pathlib import Path

from anonymization.benchmark import percentile
from bot.inprocess import action_server, load_agent

# A realistic conversation: questions, follow-ups and some personal data to redact.
SCRIPT = (
    "Bonjour",
    "je m'appelle Marie Lefèvre et je veux refaire mon passeport",
    "Combien ça coûte ?",
    "et pour mon fils de 10 ans ?",
    "vous pouvez me rappeler au 06 12 34 56 78 ou m.lefevre@example.org ?",
    "j'habite 12 rue des Lilas 69003 Lyon, où faire la demande ?",
    "merci, au revoir",
)


async def _measure(settings, conversations: int) -> dict[str, list[float]]:
    from rasa.utils.endpoints import EndpointConfig

    in_memory = {"dialect": "sqlite", "db": ":memory:"}
    agents = {
        "without redaction": await load_agent(
            settings, tracker_store=EndpointConfig(type="sql", **in_memory)
        ),
        "with redaction": await load_agent(
            settings,
            tracker_store=EndpointConfig(
                type="bot.stores.RedactingSQLTrackerStore", purge_in_background=False, **in_memory
            ),
            event_broker=EndpointConfig(type="bot.brokers.RedactingSQLEventBroker", **in_memory),
        ),
    }
    timings: dict[str, list[float]] = {label: [] for label in agents}
    for index in range(conversations + 1):  # conversation 0 warms both agents up
        for turn, text in enumerate(SCRIPT):
            order = list(agents.items()) if turn % 2 else list(reversed(agents.items()))
            for label, agent in order:
                start = time.perf_counter()
                await agent.handle_text(text, sender_id=f"bench-{index}")
                if index:
                    timings[label].append(time.perf_counter() - start)
    return timings


def bench_turns(args: argparse.Namespace) -> int:
    with action_server() as settings:
        timings = asyncio.run(_measure(settings, args.conversations))
    print(f"{args.conversations} conversations x {len(SCRIPT)} turns per configuration")
    print(f"{'configuration':<20}{'turns':>7}{'mean ms':>10}{'p50 ms':>9}{'p95 ms':>9}")
    for label, values in timings.items():
        print(f"{label:<20}{len(values):>7}{statistics.mean(values) * 1000:>10.1f}"
              f"{percentile(values, 0.5) * 1000:>9.1f}{percentile(values, 0.95) * 1000:>9.1f}")
    baseline, redacted = timings["without redaction"], timings["with redaction"]
    print(f"ratio with/without (mean): {statistics.mean(redacted) / statistics.mean(baseline):.3f}"
          "  (target <= 1.15)")
    print(f"ratio with/without (p50):  "
          f"{percentile(redacted, 0.5) / percentile(baseline, 0.5):.3f}")
    return 0


async def _drive(topology, users: int, turns: int) -> tuple[list[float], float]:
    """`users` concurrent conversations of `turns` turns each (the SCRIPT, repeated);
    return every turn's latency and the elapsed time."""
    import aiohttp

    url = topology.base_url + "/webhooks/rest/webhook"

    async def conversation(session) -> list[float]:
        sender, latencies = uuid.uuid4().hex, []
        for turn in range(turns):
            start = time.perf_counter()
            message = {"sender": sender, "message": SCRIPT[turn % len(SCRIPT)]}
            async with session.post(url, json=message) as response:
                response.raise_for_status()
                await response.read()
            latencies.append(time.perf_counter() - start)
        return latencies

    connector = aiohttp.TCPConnector(ssl=topology.tls, limit=users)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        start = time.perf_counter()
        results = await asyncio.gather(*(conversation(session) for _ in range(users)))
        elapsed = time.perf_counter() - start
    return [latency for latencies in results for latency in latencies], elapsed


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process, 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> float:
    """CPU seconds all cores spent busy (neither idle nor waiting for I/O) since boot."""
    user, nice, system, _idle, _iowait, *rest = Path("/proc/stat").read_text().split()[1:9]
    return sum(int(value) for value in (user, nice, system, *rest)) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return children


def _cpu_snapshot(topology, instances: int) -> dict[str, float]:
    """CPU seconds per role: the Rasa instances in use, the action server, nginx (master
    and workers), this process (the clients), and the whole machine."""
    actions, *rasa = topology.processes
    nginx = [topology.nginx.pid, *_children(topology.nginx.pid)]
    return {
        "Rasa": sum(_process_cpu(process.pid) for process in rasa[:instances]),
        "action server": _process_cpu(actions.pid),
        "nginx": sum(_process_cpu(pid) for pid in nginx),
        "load generator": _process_cpu(os.getpid()),
        "machine": _machine_cpu(),
    }


def _cpu_line(before: dict[str, float], after: dict[str, float], turns: int,
              elapsed: float) -> str:
    spent = {role: after[role] - before[role] for role in before}
    ours = ("Rasa", "action server", "nginx", "load generator")
    others = spent["machine"] - sum(spent[role] for role in ours)
    parts = [f"{role} {spent[role] / turns * 1000:.1f}" for role in ours]
    busy = spent["machine"] / elapsed / os.cpu_count()
    return (f"  CPU ms/turn: {', '.join(parts)}, rest of machine {others / turns * 1000:.1f}"
            f" (services, other work); {os.cpu_count()} cores {busy:.0%} busy")


def bench_load(args: argparse.Namespace) -> int:
    from bot.topology import Topology, production_services

    throughput = {}
    print(f"{args.users} concurrent conversations x {args.turns} turns, through nginx (HTTPS),"
          " PostgreSQL, Redis locks, RabbitMQ, redaction on")
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[0]}")
    print(f"{'instances':<11}{'turns':>7}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    with production_services() as env, Topology(env) as topology:
        topology.start(instances=2)
        for count in (1, 2):
            topology.balance(topology.instance_ports[:count])
            asyncio.run(_drive(topology, users=2 * count, turns=len(SCRIPT)))  # warm-up
            before = _cpu_snapshot(topology, count)
            latencies, elapsed = asyncio.run(_drive(topology, args.users, args.turns))
            after = _cpu_snapshot(topology, count)
            throughput[count] = len(latencies) / elapsed
            print(f"{count:<11}{len(latencies):>7}{throughput[count]:>9.1f}"
                  + "".join(f"{percentile(latencies, q) * 1000:>9.0f}" for q in (0.5, 0.95, 0.99)))
            print(_cpu_line(before, after, len(latencies), elapsed), flush=True)
    print(f"two / one: {throughput[2] / throughput[1]:.2f}  "
          "(targets: >= 30 turns/s on one instance, two >= 1.6 x one)")
    return 0


def add_bench_commands(bench_commands) -> None:
    turns = bench_commands.add_parser(
        "turns", help="turn latency with and without the redaction layer, same run"
    )
    turns.add_argument("--conversations", type=int, default=20, help="per configuration")
    turns.set_defaults(func=bench_turns)
    load = bench_commands.add_parser(
        "load", help="throughput and latency of one, then two Rasa instances behind nginx"
    )
    load.add_argument("--users", type=int, default=10, help="concurrent conversations")
    load.add_argument("--turns", type=int, default=20, help="turns per conversation")
    load.set_defaults(func=bench_load)
