"""Latency and throughput of redaction, ours vs vanilla Presidio, in one run."""

import statistics
import time
from collections.abc import Callable


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(
    single: Callable[[str], object],
    batch: Callable[[list[str]], object],
    texts: list[str],
    warmup: int = 20,
) -> dict[str, float]:
    """p50/p95 latency of `single` per message (ms) and throughput of `batch` (msg/s)."""
    for text in texts[:warmup]:
        single(text)
    latencies = []
    for text in texts:
        started = time.perf_counter()
        single(text)
        latencies.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    batch(texts)
    elapsed = time.perf_counter() - started
    return {
        "p50 ms": statistics.median(latencies),
        "p95 ms": percentile(latencies, 0.95),
        "batch msg/s": len(texts) / elapsed,
    }


def format_table(results: dict[str, dict[str, float]], texts: list[str]) -> str:
    """One row per metric, one column per system."""
    mean_chars = sum(map(len, texts)) / max(len(texts), 1)
    lines = [f"{len(texts)} messages, mean {mean_chars:.0f} characters"]
    lines.append(f"{'metric':<14}" + "".join(f"{name:>12}" for name in results))
    for metric in next(iter(results.values())):
        lines.append(f"{metric:<14}" + "".join(f"{r[metric]:>12.1f}" for r in results.values()))
    return "\n".join(lines)
