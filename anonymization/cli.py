"""Command-line entry point of the library: `redact`, a Unix filter.

The `guichet` command adds it with add_commands; `python -m anonymization redact` uses the same
function. The evaluation commands (`eval-redaction`, `bench redact`) are in `evaluation.cli`.
"""

import argparse
import json
import sys
from pathlib import Path


def add_commands(subparsers) -> None:
    """Add `redact` to an argparse subparsers object."""
    redact = subparsers.add_parser("redact", help="redact stdin line by line (Unix filter)")
    redact.add_argument("--json", action="store_true", help="one JSON object per line")
    redact.add_argument("--conversation-id", help="number placeholders across lines")
    redact.add_argument("--policy", type=Path, help="policy YAML (default: packaged policy)")
    redact.set_defaults(func=run_redact)


def run_redact(args) -> int:
    """Read stdin bytes; write exactly one redacted line per input line, flushed."""
    from anonymization import Redactor

    redactor = Redactor.from_policy(args.policy)
    out = sys.stdout
    for raw in sys.stdin.buffer:
        line = raw.rstrip(b"\n").rstrip(b"\r").decode("utf-8", errors="replace")
        result = redactor.redact(line, conversation_id=args.conversation_id)
        if args.json:
            entities = [
                {"type": f.entity_type, "start": f.start, "end": f.end, "score": f.score}
                for f in result.entities
            ]
            text = json.dumps(
                {"text": result.text, "entities": entities, "failed": result.failed},
                ensure_ascii=False,
            )
        else:
            text = result.text.replace("\r", " ").replace("\n", " ")
        out.write(text + "\n")
        out.flush()
    return 0


def main(argv=None) -> int:
    """`python -m anonymization redact`."""
    parser = argparse.ArgumentParser(prog="python -m anonymization")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return run_refusing_bad_policy(args.func, args, parser.prog)


def run_refusing_bad_policy(func, args, prog: str) -> int:
    """Check the redaction policy, then run the command.

    An invalid policy stops every command before it starts anything (no server, no store,
    no heavy import), with one line on stderr naming the bad entry, and exit code 2.
    """
    from anonymization.policy import Policy, PolicyError

    try:
        Policy.load(getattr(args, "policy", None))
        return func(args)
    except PolicyError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
