"""`guichet bench soak`, briefly: the report has its figures for both servers and each fifth of
the run, and a steady load causes no error. Timings and memory are printed, not asserted (the
20-minute figures are in docs/deployment.md)."""

from __future__ import annotations

import pytest

from bot.cli import build_parser
from bot.tools.soak import FIFTHS, bench_soak, run_soak


@pytest.mark.unit
def test_the_command_line():
    args = build_parser().parse_args(["bench", "soak", "--minutes", "2", "--users", "3"])
    assert (args.func, args.minutes, args.users) == (bench_soak, 2.0, 3)


@pytest.mark.server
def test_a_short_soak_reports_memory_latency_and_no_error():
    report = run_soak(minutes=0.25, users=2)
    print("\n".join(report.lines()))
    assert report.errors == {} and report.error_count == 0
    roles = {"Rasa server", "action server"}
    assert set(report.rss_start_mb) == set(report.rss_peak_mb) == set(report.rss_growth_mb) == roles
    assert all(report.rss_start_mb[role] > 50 for role in roles)  # a loaded model, in MB
    assert all(report.rss_peak_mb[role] >= report.rss_start_mb[role] for role in roles)
    assert len(report.fifths) == FIFTHS
    assert all(fifth.turns > 0 and set(fifth.rss_mb) == roles for fifth in report.fifths)
    assert report.turns == sum(fifth.turns for fifth in report.fifths)
    assert report.fifths[0].p95_ms > 0 and isinstance(report.p95_drift, float)
    lines = report.lines()
    assert lines[0].startswith("2 concurrent conversations for 0.25 min")
    assert any(line.startswith("p95 drift, last fifth vs first:") for line in lines)
