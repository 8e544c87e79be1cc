"""The `guichet` command: one entry point for running, redacting, auditing and benchmarking."""

from __future__ import annotations

import argparse
import dataclasses
import sys

from anonymization import cli as anonymization_cli
from bot import launcher
from bot.ask import ask
from bot.settings import Settings


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

    anonymization_cli.add_commands(commands)

    bench = commands.add_parser("bench", help="benchmarks that print figures")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True, metavar="BENCH")
    anonymization_cli.add_bench_commands(bench_commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
