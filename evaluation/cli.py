"""Command-line entry points of the evaluation: `eval-redaction` and `bench redact`.

The `guichet` command adds them with add_commands / add_bench_commands;
`python -m evaluation <command>` uses the same functions.
"""

import argparse
from pathlib import Path

from anonymization.cli import run_refusing_bad_policy
from evaluation.scoring import CORPORA, DEFAULT_CORPUS


def add_commands(subparsers) -> None:
    """Add `eval-redaction` to an argparse subparsers object."""
    evaluate = subparsers.add_parser("eval-redaction", help="precision/recall, ours vs vanilla")
    evaluate.add_argument(
        "--corpus",
        type=Path,
        action="append",
        help="labelled JSONL corpus, repeatable (default: the generated and hand-written ones)",
    )
    evaluate.add_argument("--policy", type=Path)
    evaluate.add_argument("--no-vanilla", action="store_true", help="skip vanilla Presidio")
    evaluate.add_argument(
        "--peers",
        action="store_true",
        help="side by side with anonyfy, incognito-anonymizer, gdpr-pseudonymizer and ezpiizi "
        "(each installed in its own venv under var/peers/), leak-based scores",
    )
    evaluate.set_defaults(func=run_eval)


def add_bench_commands(bench_subparsers) -> None:
    """Add `redact` to the subparsers of `bench`."""
    bench = bench_subparsers.add_parser("redact", help="latency and throughput, ours vs vanilla")
    bench.add_argument("--messages", type=int, default=1000, help="number of messages")
    bench.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    bench.add_argument("--policy", type=Path)
    bench.add_argument("--no-vanilla", action="store_true", help="skip vanilla Presidio")
    bench.set_defaults(func=run_bench)


def run_eval(args) -> int:
    """Print per-entity precision, recall, F2 and headline figures, ours vs vanilla."""
    from anonymization import Redactor
    from evaluation.scoring import evaluate, format_report, load_corpus
    from evaluation.vanilla import VanillaPresidio

    redactor = Redactor.from_policy(args.policy)
    vanilla = None if args.no_vanilla else VanillaPresidio()
    if args.peers:
        return _run_peers(args.corpus or CORPORA, redactor, vanilla)
    measured = []
    for number, corpus in enumerate(args.corpus or CORPORA):
        records = load_corpus(corpus)
        scores = evaluate(records, redactor, vanilla)
        print(("\n" if number else "") + f"== {corpus}")
        print(format_report(scores, len(records)))
        ours = scores["ours"]
        measured.append(
            {
                "name": Path(corpus).name,
                "messages": len(records),
                "figures": {"recall": ours.group_recall(ours.gold), **ours.summary()},
            }
        )
    # The transparency page shows the last measured figures (bot.compliance.measurements).
    from bot.compliance.measurements import record_redaction

    print(f"figures recorded in {record_redaction(measured, args.policy)}")
    return 0


def _run_peers(corpora, redactor, vanilla) -> int:
    """Print one leak-scored table: Guichet, vanilla Presidio and the peers, on each corpus."""
    from datetime import date
    from importlib.metadata import version

    from evaluation.peers import PEERS, PeerRun, format_table, run_peer, score
    from evaluation.scoring import load_corpus

    def ours(texts):
        return PeerRun("Guichet", version("guichet"), [r.text for r in redactor.redact_many(texts)])

    def presidio(texts):
        texts = [text for text, _ in vanilla.redact_many(texts)]
        return PeerRun("vanilla Presidio", version("presidio-analyzer"), texts)

    systems = [("Guichet", ours)]
    if vanilla is not None:
        systems.append(("vanilla Presidio", presidio))
    systems += [(peer.name, lambda texts, peer=peer: run_peer(peer, texts)) for peer in PEERS]
    rows = []
    for name, run in systems:
        for corpus in corpora:
            records = load_corpus(corpus)
            result = run([r["text"] for r in records])
            label = Path(corpus).stem.replace("redaction_corpus", "").strip("_") or "generated"
            rows.append((name, label, result, score(records, result)))
    print(f"measured {date.today().isoformat()}")
    print(format_table(rows))
    return 0


def run_bench(args) -> int:
    """Print p50/p95 latency and batch throughput, ours vs vanilla."""
    from anonymization import Redactor
    from evaluation.benchmark import format_table, measure
    from evaluation.scoring import load_corpus
    from evaluation.vanilla import VanillaPresidio

    corpus = [r["text"] for r in load_corpus(args.corpus)]
    texts = [corpus[i % len(corpus)] for i in range(args.messages)]
    redactor = Redactor.from_policy(args.policy)
    results = {"ours": measure(redactor.redact, redactor.redact_many, texts)}
    if not args.no_vanilla:
        vanilla = VanillaPresidio()
        results["vanilla"] = measure(vanilla.redact, vanilla.redact_many, texts)
    print(format_table(results, texts))
    return 0


def main(argv=None) -> int:
    """`python -m evaluation eval-redaction|bench redact`."""
    parser = argparse.ArgumentParser(prog="python -m evaluation")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_commands(subparsers)
    bench = subparsers.add_parser("bench", help="benchmarks")
    add_bench_commands(bench.add_subparsers(dest="bench_command", required=True))
    args = parser.parse_args(argv)
    return run_refusing_bad_policy(args.func, args, parser.prog)
