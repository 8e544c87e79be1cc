"""`guichet eval-matcher`: each catalogue phrasing is matched with itself left out."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from actions.catalogue import Catalogue
from actions.matcher import CatalogueMatcher
from bot.tools.eval_matcher import (
    evaluate,
    evaluate_other_sense,
    evaluate_out_of_scope,
    leave_out,
    out_of_scope_examples,
    phrasings,
)

pytestmark = pytest.mark.unit

CATALOGUE = Catalogue.load()
MATCHER = CatalogueMatcher(CATALOGUE)


def test_a_left_out_phrasing_is_nowhere_in_the_catalogue():
    procedure = CATALOGUE.procedures["passeport"]
    for text in (procedure.situations[0], procedure.faq[0].question, procedure.faq[0].variants[0]):
        left = leave_out(CATALOGUE, "passeport", text)
        assert (left.procedures["passeport"].id, text) not in phrasings(left)
        assert len(phrasings(left)) == len(phrasings(CATALOGUE)) - 1
        assert {k: v for k, v in left.procedures.items() if k != "passeport"} == {
            k: v for k, v in CATALOGUE.procedures.items() if k != "passeport"
        }


def test_a_phrasing_found_only_through_itself_is_missed():
    """With a single phrasing, the left-out matcher has nothing to find it with."""
    procedure = dataclasses.replace(
        CATALOGUE.procedures["amendes"],
        situations=("zorglub quintessence farfelue",),
        questions={},
        faq=(),
    )
    small = dataclasses.replace(CATALOGUE, procedures={"amendes": procedure})
    assert (
        CatalogueMatcher(small).matches("zorglub quintessence farfelue")[0].procedure == "amendes"
    )
    figures = evaluate(small)
    assert figures.phrasings == 1 and figures.first == 0 and figures.in_top_three == 0


def test_figures_add_up_on_part_of_the_catalogue():
    part = {key: CATALOGUE.procedures[key] for key in ("passeport", "cni", "amendes", "rsa")}
    figures = evaluate(dataclasses.replace(CATALOGUE, procedures=part))
    assert 0 < figures.first <= figures.in_top_three <= figures.phrasings
    for answers, right in figures.answered.values():
        assert 0 <= right <= answers <= figures.phrasings


def test_out_of_scope_figures_count_the_hand_written_examples_only():
    examples = out_of_scope_examples()
    assert examples and all("[" not in text and "](" not in text for text in examples)
    generated = out_of_scope_examples(Path("/nonexistent"))
    assert generated == []
    close = "je n'ai pas d'ordinateur pour faire mes papiers"  # a France Services situation
    figures = evaluate_out_of_scope(MATCHER, [close, "la recette de la tarte tatin", "passeport"])
    assert figures.examples == 2  # the one naming a procedure is left to `not_about`
    assert figures.answered == 1 and figures.offered == 1 and figures.offered_out_of_scope == 1


def test_other_sense_figures_count_each_not_about_phrase_and_each_naming_phrasing():
    part = {key: CATALOGUE.procedures[key] for key in ("procuration", "passeport")}
    figures = evaluate_other_sense(dataclasses.replace(CATALOGUE, procedures=part))
    assert figures.phrases == len(part["procuration"].not_about) + len(part["passeport"].not_about)
    assert 0 < figures.recognised <= figures.phrases
    assert 0 < figures.naming and 0 <= figures.taken_for_other < figures.naming
