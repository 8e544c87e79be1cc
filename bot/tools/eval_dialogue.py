"""`guichet eval-dialogue`: route a question set through the real dialogue and score it.

Each question is a fresh conversation with the trained model and the real action server, in
memory (nothing is stored). A question is routed right when the assistant answers about one of
its expected procedures, or, for an out-of-scope question, answers about none (it says so, or
offers a human). The misses are counted by kind, so that what is fixed is a kind of error,
never one question: the external set (tests/external/) measures generalisation only as long as
nobody tunes on its items.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from actions.dialogue import matcher
from bot.compliance import measurements
from bot.settings import Settings
from bot.tools.inprocess import action_server, load_agent

DEFAULT_SET = Path("tests/external/official_questions.yml")
OUT_OF_SCOPE = "out_of_scope"
SUGGESTED = re.compile(r'"procedure": "([a-z0-9_]+)"')


@dataclass(frozen=True)
class Outcome:
    text: str
    expected: tuple[str, ...]
    answered: str | None  # the procedure the assistant answered about, if any
    suggested: tuple[str, ...]  # procedures offered as buttons ("Vouliez-vous parler de… ?")
    intent: str | None
    question: str | None  # the kind of question of the item, when the set gives it
    # The question contains a procedure's name (the matcher's aliases), in whatever sense: a
    # miss on a named procedure and a miss on a described situation are different kinds.
    names_procedure: bool = False
    # Where the catalogue matcher ranks the expected procedure among its candidates (0 first),
    # None when it is not among them: tells a ranking miss from a decision (threshold) miss.
    matcher_rank: int | None = None

    @property
    def matcher_place(self) -> str | None:
        """For an in-scope miss, where the catalogue matcher put the expected procedure."""
        if self.correct or OUT_OF_SCOPE in self.expected:
            return None
        if self.matcher_rank is None:
            return "not among its candidates"
        return "first" if self.matcher_rank == 0 else "second or third"

    @property
    def correct(self) -> bool:
        if OUT_OF_SCOPE in self.expected:
            return self.answered is None
        return self.answered in self.expected

    @property
    def kind(self) -> str:
        """The kind of miss, for counting (empty for a right answer)."""
        if self.correct:
            return ""
        if OUT_OF_SCOPE in self.expected:
            return "out of scope, answered as a procedure"
        if self.answered:
            return "answered another procedure"
        if set(self.suggested) & set(self.expected):
            return "not answered, right procedure among the suggestions"
        if self.suggested:
            return "not answered, wrong suggestions"
        return "not answered (misunderstood, out of scope or which procedure?)"


def load_items(path: Path) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    for item in items:
        expected = item["expected"]
        item["expected"] = tuple(expected if isinstance(expected, list) else [expected])
    return items


async def _route(agent, index: int, item: dict) -> Outcome:
    sender = f"eval-{index}"
    replies = await agent.handle_text(item["text"], sender_id=sender) or []
    tracker = await agent.tracker_store.retrieve(sender)
    answered = None
    for event in reversed(tracker.events):
        if event.type_name == "user":
            intent = (event.intent or {}).get("name")
            break
        if event.type_name == "slot" and event.key == "procedure" and event.value:
            answered = answered or event.value
    suggested = tuple(
        found
        for reply in replies
        for button in reply.get("buttons") or ()
        for found in SUGGESTED.findall(button.get("payload", ""))
    )
    candidates = [match.procedure for match in matcher().matches(item["text"])]
    return Outcome(
        item["text"],
        item["expected"],
        answered,
        suggested,
        intent,
        item.get("question"),
        bool(matcher().alias_spans(item["text"])),
        next((rank for rank, found in enumerate(candidates) if found in item["expected"]), None),
    )


async def _evaluate(settings: Settings, items: list[dict]) -> list[Outcome]:
    agent = await load_agent(settings)
    return [await _route(agent, index, item) for index, item in enumerate(items)]


def evaluate(items: list[dict]) -> list[Outcome]:
    with action_server() as settings:
        return asyncio.run(_evaluate(settings, items))


def summarise(outcomes: list[Outcome]) -> dict:
    def accuracy(selected: list[Outcome]) -> float | None:
        return round(sum(o.correct for o in selected) / len(selected), 3) if selected else None

    in_scope = [o for o in outcomes if OUT_OF_SCOPE not in o.expected]
    out_of_scope = [o for o in outcomes if OUT_OF_SCOPE in o.expected]
    by_question = {
        question: accuracy([o for o in in_scope if o.question == question])
        for question in sorted({o.question for o in in_scope if o.question})
    }
    return {
        "date": dt.date.today().isoformat(),
        "questions": len(outcomes),
        "routing_accuracy": accuracy(outcomes),
        "in_scope_accuracy": accuracy(in_scope),
        "out_of_scope_accuracy": accuracy(out_of_scope),
        "by_question_kind": by_question,
        "misses_by_kind": dict(Counter(o.kind for o in outcomes if not o.correct).most_common()),
        "misses_naming_a_procedure": dict(
            Counter(o.kind for o in outcomes if not o.correct and o.names_procedure)
        ),
        "in_scope_misses_by_matcher_place": dict(
            Counter(o.matcher_place for o in in_scope if o.matcher_place).most_common()
        ),
    }


def run(args: argparse.Namespace) -> int:
    items = load_items(Path(args.set))
    outcomes = evaluate(items)
    summary = {"set": str(args.set), **summarise(outcomes)}
    measurements.record("dialogue", summary)  # shown on the transparency page
    print(f"{summary['questions']} questions from {args.set}")
    print(f"routing accuracy      {summary['routing_accuracy']}")
    print(f"  in scope            {summary['in_scope_accuracy']}")
    print(f"  out of scope        {summary['out_of_scope_accuracy']}")
    for question, value in summary["by_question_kind"].items():
        print(f"  {question:<19} {value}")
    print("misses by kind (of which the question names a procedure):")
    for kind, count in summary["misses_by_kind"].items():
        naming = summary["misses_naming_a_procedure"].get(kind, 0)
        print(f"  {count:4d} ({naming:3d})  {kind}")
    print("in-scope misses by where the catalogue matcher ranks the expected procedure:")
    for place, count in summary["in_scope_misses_by_matcher_place"].items():
        print(f"  {count:4d}  {place}")
    if args.show_misses:
        print("misses (expected -> answered; suggested):")
        for outcome in outcomes:
            if not outcome.correct:
                print(
                    f"  {'|'.join(outcome.expected)} -> {outcome.answered}; "
                    f"{','.join(outcome.suggested) or '-'}  {outcome.text}"
                )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        misses = [asdict(o) for o in outcomes if not o.correct]
        Path(args.json).write_text(
            json.dumps({**summary, "misses": misses}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0


def add_command(commands) -> None:
    command = commands.add_parser(
        "eval-dialogue",
        help="route a question set through the real dialogue; print accuracy and misses by kind",
    )
    command.add_argument(
        "--set", default=str(DEFAULT_SET), help=f"YAML question set (default {DEFAULT_SET})"
    )
    command.add_argument(
        "--show-misses",
        action="store_true",
        help="also list the missed questions (for content editors, not tuning)",
    )
    command.add_argument("--json", help="also write the figures and misses to this JSON file")
    command.set_defaults(func=run)
