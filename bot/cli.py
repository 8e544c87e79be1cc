"""The `guichet` command: one entry point for running, redacting, auditing and benchmarking."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from contextlib import nullcontext
from pathlib import Path

from anonymization import cli as anonymization_cli
from bot.compliance import render as compliance
from bot.server import launcher
from bot.settings import Settings
from bot.tools import benchmark, content_check, eval_dialogue, eval_matcher, soak
from bot.tools.ask import ask
from evaluation import cli as evaluation_cli


def _run(args: argparse.Namespace) -> int:
    options = ("host", "port", "actions_port")
    overrides = {name: getattr(args, name) for name in options if getattr(args, name) is not None}
    settings = dataclasses.replace(Settings(), **overrides)
    try:
        return launcher.run(settings)
    except launcher.LaunchError as error:
        print(f"guichet: {error}", file=sys.stderr)
        return 1


def _ask(args: argparse.Namespace) -> int:
    try:
        answers = ask(args.questions)
    except launcher.LaunchError as error:
        print(f"guichet: {error}", file=sys.stderr)
        return 1
    for question, replies in zip(args.questions, answers, strict=True):
        print(f"> {question}")
        print("\n".join(replies) if replies else "(pas de réponse)")
        print()
    return 0


def _stores():
    from bot.tools.stores import open_stores

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_stores(settings)


def _purge(args: argparse.Namespace) -> int:
    print(json.dumps(_stores().purge().as_dict(), ensure_ascii=False))
    return 0


def _erase(args: argparse.Namespace) -> int:
    print(json.dumps(_stores().erase(args.sender_id).as_dict(), ensure_ascii=False))
    return 0


def _sink():
    sink = _stores().event_broker
    if sink is None:
        raise SystemExit("guichet: audit needs the SQL analytics sink (event_broker) in endpoints")
    return sink


def _audit_report(args: argparse.Namespace) -> int:
    from bot.privacy import audit
    from bot.tools.audit_report import render_report

    figures = audit.compute_figures(_sink(), audit.day_start(args.since))
    Path(args.out).write_text(render_report(figures, args.since), encoding="utf-8")
    print(f"report written to {args.out}")
    return 0


def _audit_export(args: argparse.Namespace) -> int:
    from bot.privacy import audit

    with open(args.out, "w", encoding="utf-8") if args.out else nullcontext(sys.stdout) as out:
        for line in audit.export_conversations(_sink(), audit.day_start(args.since)):
            print(line, file=out)
    return 0


def _audit_scan(args: argparse.Namespace) -> int:
    from bot.privacy import audit

    store = _stores()
    report = audit.scan(store, store.event_redactor.redactor)
    print(report.text)
    return 1 if report.findings else 0


def _audit_verify(args: argparse.Namespace) -> int:
    from bot.privacy import audit

    verification = audit.verify(_stores(), head=args.head)
    print(verification.text)
    return 0 if verification.ok else 1


def _audit_backlog(args: argparse.Namespace) -> int:
    from bot.privacy import outbox

    waiting = outbox.backlog()
    print("\n".join(f"{queue}: {count}" for queue, count in waiting.items()) or "no backlog")
    return 0


def _add_privacy_commands(commands) -> None:
    purge = commands.add_parser("purge", help="delete what is older than retention.yml allows")
    purge.set_defaults(func=_purge)
    erase = commands.add_parser("erase", help="erase a conversation everywhere; print the receipt")
    erase.add_argument("sender_id", metavar="SENDER_ID")
    erase.set_defaults(func=_erase)

    audit = commands.add_parser("audit", help="auditor tools over the redacted stores")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="AUDIT")
    report = audit_commands.add_parser("report", help="self-contained HTML report with plots")
    report.add_argument("--out", default="report.html")
    export = audit_commands.add_parser("export", help="JSONL of redacted conversations")
    export.add_argument("--out", help="file to write (default: standard output)")
    for command in (report, export):
        command.add_argument("--since", default="1970-01-01", help="first day, YYYY-MM-DD")
    report.set_defaults(func=_audit_report)
    export.set_defaults(func=_audit_export)
    scan = audit_commands.add_parser(
        "scan",
        help="second detection pass over the citizen-text fields of everything stored, "
        "grouped by type (exit 1 if anything found)",
    )
    scan.set_defaults(func=_audit_scan)
    verify = audit_commands.add_parser(
        "verify",
        help="check the receipts' hash chain and counts, and that no erased "
        "conversation has rows left (exit 1 at the first broken link)",
    )
    verify.add_argument("--head", help="a head hash printed by an earlier run: is it still there?")
    verify.set_defaults(func=_audit_verify)
    backlog = audit_commands.add_parser(
        "backlog", help="events waiting in the local outbox for a service that was down"
    )
    backlog.set_defaults(func=_audit_backlog)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="guichet", description="Guichet: French public-service assistant, private by design."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start the action server and the Rasa server")
    run.add_argument("--host", help="interface to listen on (default 127.0.0.1, GUICHET_HOST)")
    run.add_argument("--port", type=int, help="Rasa server port (default 5005, GUICHET_PORT)")
    run.add_argument(
        "--actions-port", type=int, help="action server port (default 5055, GUICHET_ACTIONS_PORT)"
    )
    run.set_defaults(func=_run)

    ask_command = commands.add_parser(
        "ask", help="put questions to the trained assistant (one conversation, nothing stored)"
    )
    ask_command.add_argument("questions", nargs="+", metavar="QUESTION")
    ask_command.set_defaults(func=_ask)

    eval_dialogue.add_command(commands)
    eval_matcher.add_command(commands)
    anonymization_cli.add_commands(commands)
    evaluation_cli.add_commands(commands)
    _add_privacy_commands(commands)
    content_check.add_commands(commands)
    compliance.add_command(commands)

    bench = commands.add_parser("bench", help="benchmarks that print figures")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True, metavar="BENCH")
    evaluation_cli.add_bench_commands(bench_commands)
    benchmark.add_bench_commands(bench_commands)
    soak.add_soak_command(bench_commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return anonymization_cli.run_refusing_bad_policy(args.func, args, "guichet")
