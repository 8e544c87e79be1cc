"""`guichet eval-matcher`: each catalogue phrasing is matched with itself left out."""

from __future__ import annotations

import dataclasses

import pytest

from actions.catalogue import Catalogue
from actions.matcher import CatalogueMatcher
from bot.tools.eval_matcher import evaluate, leave_out, phrasings

pytestmark = pytest.mark.unit

CATALOGUE = Catalogue.load()


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
