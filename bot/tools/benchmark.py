"""Benchmarks of the assistant, in one run each.

`guichet bench turns`: turn latency with and without the redaction layer. Two agents share
the trained model and one action server. One stores conversations with Rasa's own
SQLTrackerStore (no redaction); the other with Guichet's redacting store and analytics sink.
Both use in-memory SQLite, so that the baseline writes no raw text to disk and the comparison
isolates what redaction costs. Turns alternate between the two agents.

`guichet bench load`: throughput and turn latency of one Rasa instance, then two behind
nginx, with the production services (bot/tools/topology.py): concurrent conversations over HTTPS.
Each instance runs on a core of its own, as a replica with a dedicated CPU would
(`--shared-cores` lets the kernel move them instead: their threads then compete for every
core and a turn costs more CPU). One and two instances alternate for a few rounds, so that
the drift of a shared virtual machine affects both alike. It also prints the CPU time each
process spent per turn (from /proc, Linux): on a small machine this shows which process
saturates a core, each service's share (PostgreSQL, RabbitMQ, Redis), and what the rest of
the machine took meanwhile. That last figure is the difference of two counters the kernel
keeps apart (all cores, each process): a few tenths of a ms either side of zero mean that
nothing else ran.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from pathlib import Path

from bot.rasa_compat import speedups
from bot.tools.inprocess import action_server, load_agent
from evaluation.benchmark import percentile

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
                type="bot.privacy.store.RedactingSQLTrackerStore",
                purge_in_background=False,
                **in_memory,
            ),
            event_broker=EndpointConfig(
                type="bot.privacy.brokers.RedactingSQLEventBroker", **in_memory
            ),
        ),
    }
    # As the server does once the model is loaded: otherwise one full garbage collection of the
    # loaded models (about a second here) lands in one configuration's turns by chance.
    speedups.freeze_startup_heap()
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
        print(
            f"{label:<20}{len(values):>7}{statistics.mean(values) * 1000:>10.1f}"
            f"{percentile(values, 0.5) * 1000:>9.1f}{percentile(values, 0.95) * 1000:>9.1f}"
        )
    baseline, redacted = timings["without redaction"], timings["with redaction"]
    print(
        f"ratio with/without (mean): {statistics.mean(redacted) / statistics.mean(baseline):.3f}"
        "  (target <= 1.15)"
    )
    print(f"ratio with/without (p50):  {percentile(redacted, 0.5) / percentile(baseline, 0.5):.3f}")
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


# The services of endpoints.production.yml, by process name (PostgreSQL forks a process per
# connection; RabbitMQ is an Erlang VM).
SERVICES = {"PostgreSQL": {"postgres"}, "RabbitMQ": {"beam.smp"}, "Redis": {"redis-server"}}


def _processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, name, CPU seconds used so far) of every process (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        found.append((int(stat.parent.name), int(fields[1]), name, seconds))
    return found


def _machine_cpu() -> float:
    """CPU seconds all cores spent busy (neither idle nor waiting for I/O) since boot."""
    user, nice, system, _idle, _iowait, *rest = Path("/proc/stat").read_text().split()[1:9]
    return sum(int(value) for value in (user, nice, system, *rest)) / os.sysconf("SC_CLK_TCK")


def _cpu_snapshot(topology, instances: int) -> dict[str, float]:
    """CPU seconds per role: the Rasa instances in use, the action server, nginx (master
    and workers), this process (the clients), each service, and the whole machine."""
    actions, *rasa = topology.processes
    processes = _processes()
    roles = {
        "Rasa": {process.pid for process in rasa[:instances]},
        "action server": {actions.pid},
        "nginx": {pid for pid, parent, _, _ in processes if topology.nginx.pid in (pid, parent)},
        "load generator": {os.getpid()},
    }
    spent = {
        role: sum(seconds for pid, _, _, seconds in processes if pid in pids)
        for role, pids in roles.items()
    }
    for service, names in SERVICES.items():
        spent[service] = sum(seconds for _, _, name, seconds in processes if name in names)
    return {**spent, "machine": _machine_cpu()}


def _cpu_line(
    before: list[dict[str, float]], after: list[dict[str, float]], turns: int, elapsed: float
) -> str:
    """CPU ms per turn of each role, summed over the measured phases (snapshots before and
    after each phase)."""
    spent = {
        role: sum(end[role] - start[role] for start, end in zip(before, after, strict=True))
        for role in before[0]
    }
    roles = [role for role in spent if role != "machine"]
    others = spent["machine"] - sum(spent[role] for role in roles)
    parts = [f"{role} {spent[role] / turns * 1000:.1f}" for role in roles]
    busy = spent["machine"] / elapsed / os.cpu_count()
    return (
        f"  CPU ms/turn: {', '.join(parts)}, rest of machine {others / turns * 1000:.1f};"
        f" {os.cpu_count()} cores {busy:.0%} busy"
    )


def bench_load(args: argparse.Namespace) -> int:
    from bot.tools.topology import Topology, production_services

    counts = (1, 2)
    runs: dict[int, list[tuple[list[float], float]]] = {count: [] for count in counts}
    snapshots: dict[int, tuple[list, list]] = {count: ([], []) for count in counts}
    print(
        f"{args.users} concurrent conversations x {args.turns} turns, through nginx (HTTPS),"
        " PostgreSQL, Redis locks, RabbitMQ, redaction on"
    )
    print(
        "each instance on a core of its own (CPU affinity)"
        if not args.shared_cores
        else "instances share all cores (no CPU affinity)"
    )
    print(
        f"{args.rounds} rounds, one instance then two in each; "
        f"load average before: {Path('/proc/loadavg').read_text().split()[0]}"
    )
    with production_services() as env, Topology(env) as topology:
        topology.start(instances=2, dedicated_cores=not args.shared_cores)
        for _ in range(args.rounds):
            for count in counts:
                topology.balance(topology.instance_ports[:count])
                asyncio.run(_drive(topology, users=2 * count, turns=len(SCRIPT)))  # warm-up
                snapshots[count][0].append(_cpu_snapshot(topology, count))
                runs[count].append(asyncio.run(_drive(topology, args.users, args.turns)))
                snapshots[count][1].append(_cpu_snapshot(topology, count))
                latencies, elapsed = runs[count][-1]
                print(f"  {count} instance(s): {len(latencies) / elapsed:.1f} turns/s", flush=True)
    print(
        f"{'instances':<11}{'turns':>7}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        "   (turns/s: median of the rounds; latencies: all turns)"
    )
    throughput = {}
    for count in counts:
        latencies = [latency for turns, _ in runs[count] for latency in turns]
        elapsed = sum(seconds for _, seconds in runs[count])
        throughput[count] = statistics.median(
            len(turns) / seconds for turns, seconds in runs[count]
        )
        print(
            f"{count:<11}{len(latencies):>7}{throughput[count]:>9.1f}"
            + "".join(f"{percentile(latencies, q) * 1000:>9.0f}" for q in (0.5, 0.95, 0.99))
        )
        print(_cpu_line(*snapshots[count], len(latencies), elapsed))
    print(
        f"two / one: {throughput[2] / throughput[1]:.2f}  "
        "(targets: >= 30 turns/s on one instance, two >= 1.6 x one)"
    )
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
    load.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternations of one and two instances (drift hits both alike)",
    )
    load.add_argument(
        "--shared-cores",
        action="store_true",
        help="let the instances run on any core (default: one core each)",
    )
    load.set_defaults(func=bench_load)
