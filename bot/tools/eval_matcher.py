"""`guichet eval-matcher`: how well the catalogue matcher finds a procedure it has not seen.

Each catalogue phrasing (situation, example question, FAQ phrasing) that names no procedure is
left out of the matcher's index in turn, then matched against the rest. Printed: how often its
procedure comes first, or among the three suggestions, and, for thresholds around those that
let the matcher answer alone (actions/dialogue.py: clear_lead), how many
phrasings it would answer and how many of those answers are right. The hand-written
out-of-scope examples (data/nlu/, not generated) show the other side: how many of them the
matcher would answer alone, or offer procedures for. Last, a procedure's name used in another
sense: how many `not_about` phrases, each left out, are still recognised, and how many
phrasings naming their own procedure are wrongly taken for the other sense.

No trained model is needed. The matcher's thresholds and word lists are chosen on these
figures, never on the external set (tests/external/), which only checks the result.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from actions.catalogue import Catalogue
from actions.dialogue import (
    MATCH_CONFIDENT,
    MATCH_MARGIN,
    MATCH_MARGIN_AGREED,
    MATCH_POSSIBLE,
    MATCH_POSSIBLE_OUT_OF_SCOPE,
    clear_lead,
)
from actions.matcher import CatalogueMatcher
from actions.training_data import OUT_OF_SCOPE, OUTPUT, hand_written_sentences

SCORES = (0.2, MATCH_CONFIDENT, 0.3)
MARGINS = (0.05, MATCH_MARGIN, 0.15, 0.2)


@dataclass
class MatcherFigures:
    phrasings: int = 0  # left out in turn (those naming a procedure are not counted)
    first: int = 0  # their procedure came first
    in_top_three: int = 0
    # (score, margin) -> [answered alone, answered right]
    answered: dict[tuple[float, float], list[int]] = field(default_factory=dict)


@dataclass
class OutOfScopeFigures:
    examples: int = 0  # hand-written out-of-scope examples naming no procedure
    answered: int = 0  # the matcher alone would answer them (clear_lead)
    offered: int = 0  # procedures offered, when the classifier is unsure (MATCH_POSSIBLE)
    offered_out_of_scope: int = 0  # …when it said out of scope (MATCH_POSSIBLE_OUT_OF_SCOPE)


@dataclass
class OtherSenseFigures:
    phrases: int = 0  # `not_about` phrases, each left out in turn
    recognised: int = 0  # …that the matcher still takes for the other sense (or not for it)
    naming: int = 0  # phrasings that name their own procedure, each left out in turn
    taken_for_other: int = 0  # …that the matcher wrongly takes for the other sense


def phrasings(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(procedure id, text) of every situation, example question and FAQ phrasing (a left-out
    FAQ question is blank: its entry keeps its answer and variants)."""
    return [
        (procedure.id, text)
        for procedure in catalogue.procedures.values()
        for *_, text in procedure.examples()
        if text
    ]


def leave_out(catalogue: Catalogue, procedure_id: str, text: str) -> Catalogue:
    """The catalogue without `text` among the procedure's situations, questions and FAQ."""
    procedure = catalogue.procedures[procedure_id]
    faq = tuple(
        dataclasses.replace(
            entry,
            question="" if entry.question == text else entry.question,
            variants=tuple(variant for variant in entry.variants if variant != text),
        )
        for entry in procedure.faq
    )
    kept = dataclasses.replace(
        procedure,
        situations=tuple(situation for situation in procedure.situations if situation != text),
        questions={
            question: tuple(example for example in examples if example != text)
            for question, examples in procedure.questions.items()
        },
        faq=faq,
    )
    return dataclasses.replace(catalogue, procedures={**catalogue.procedures, procedure_id: kept})


def out_of_scope_examples(nlu_dir: Path = OUTPUT.parent) -> list[str]:
    """The hand-written out-of-scope examples (the generated file is the catalogue's)."""
    return [text for intent, text in hand_written_sentences(nlu_dir) if intent == OUT_OF_SCOPE]


def evaluate_out_of_scope(matcher: CatalogueMatcher, examples: list[str]) -> OutOfScopeFigures:
    figures = OutOfScopeFigures()
    for text in examples:
        if matcher.alias_spans(text):
            continue  # a name used in another sense is the `not_about` phrases' job
        figures.examples += 1
        found = matcher.matches(text)
        if not found:
            continue
        top = found[0].score
        figures.answered += clear_lead(found)
        figures.offered += top >= MATCH_POSSIBLE
        figures.offered_out_of_scope += top >= MATCH_POSSIBLE_OUT_OF_SCOPE
    return figures


def evaluate(catalogue: Catalogue) -> MatcherFigures:
    figures = MatcherFigures(answered={(s, m): [0, 0] for s in SCORES for m in MARGINS})
    whole = CatalogueMatcher(catalogue)
    for procedure_id, text in phrasings(catalogue):
        if whole.alias_spans(text):
            continue  # a procedure's name decides; the examples are not needed
        figures.phrasings += 1
        found = CatalogueMatcher(leave_out(catalogue, procedure_id, text)).matches(text)
        if not found:
            continue
        right = found[0].procedure == procedure_id
        figures.first += right
        figures.in_top_three += procedure_id in {match.procedure for match in found}
        for (score, least_margin), counts in figures.answered.items():
            if clear_lead(found, score, least_margin):
                counts[0] += 1
                counts[1] += right
    return figures


def evaluate_other_sense(catalogue: Catalogue) -> OtherSenseFigures:
    """A procedure's name in another sense ("procuration" on a bank account): each `not_about`
    phrase left out, is it still recognised; each phrasing naming its own procedure left
    out, is it wrongly taken for the other sense."""
    figures = OtherSenseFigures()
    for procedure in catalogue.procedures.values():
        for text in procedure.not_about:
            others = tuple(phrase for phrase in procedure.not_about if phrase != text)
            kept = dataclasses.replace(procedure, not_about=others)
            matcher = CatalogueMatcher(
                dataclasses.replace(
                    catalogue, procedures={**catalogue.procedures, procedure.id: kept}
                )
            )
            found, other_sense = matcher.analyse(text)
            figures.phrases += 1
            figures.recognised += procedure.id in other_sense or all(
                match.procedure != procedure.id for match in found
            )
    whole = CatalogueMatcher(catalogue)
    for procedure_id, text in phrasings(catalogue):
        if procedure_id in whole.named_procedures(text):
            figures.naming += 1
            matcher = CatalogueMatcher(leave_out(catalogue, procedure_id, text))
            figures.taken_for_other += procedure_id in matcher.analyse(text)[1]
    return figures


def run(_args: argparse.Namespace) -> int:
    catalogue = Catalogue.load()
    figures = evaluate(catalogue)
    total = figures.phrasings or 1
    print(f"{figures.phrasings} catalogue phrasings naming no procedure, each left out in turn")
    print(f"procedure first       {figures.first / total:.3f}")
    print(f"in the top three      {figures.in_top_three / total:.3f}")
    print(
        "answered alone (score >= S, and margin >= M or, when its words and meaning agree,"
        f" >= {MATCH_MARGIN_AGREED}): answers, right, precision"
    )
    for (score, margin), (answers, right) in figures.answered.items():
        current = (
            "  <- actions/dialogue.py" if (score, margin) == (MATCH_CONFIDENT, MATCH_MARGIN) else ""
        )
        precision = f"{right / answers:.3f}" if answers else "-"
        print(f"  S {score:.2f}  M {margin:.2f}  {answers:4d} {right:4d}  {precision}{current}")
    outside = evaluate_out_of_scope(CatalogueMatcher(catalogue), out_of_scope_examples())
    print(f"{outside.examples} hand-written out-of-scope examples naming no procedure")
    print(f"  answered alone      {outside.answered}")
    print(f"  offered procedures  {outside.offered} (classifier unsure, >= {MATCH_POSSIBLE})")
    print(
        f"                      {outside.offered_out_of_scope} "
        f"(classifier said out of scope, >= {MATCH_POSSIBLE_OUT_OF_SCOPE})"
    )
    other = evaluate_other_sense(catalogue)
    print("a procedure's name in another sense, each phrasing left out in turn")
    print(f"  not_about phrases recognised            {other.recognised} of {other.phrases}")
    print(f"  phrasings naming their procedure taken  {other.taken_for_other} of {other.naming}")
    return 0


def add_command(commands) -> None:
    command = commands.add_parser(
        "eval-matcher",
        help="leave each catalogue phrasing out in turn: how often the matcher finds its procedure",
    )
    command.set_defaults(func=run)
