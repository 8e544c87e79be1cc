"""`guichet eval-dialogue` counts its misses by kind, and apart those whose question names a
procedure: a miss on a name and a miss on a described situation call for different fixes. It
also tells where the catalogue matcher ranked the expected procedure of each in-scope miss: a
ranking miss and a missed decision (the right procedure first, but not answered) call for
different fixes too."""

from __future__ import annotations

import pytest

from bot.tools.eval_dialogue import Outcome, summarise

SUGGESTIONS = "not answered, right procedure among the suggestions"


@pytest.mark.unit
def test_misses_are_counted_by_kind_and_by_whether_the_question_names_a_procedure():
    outcomes = [
        Outcome("q1", ("passeport",), "passeport", (), "ask_cost", "cost", True),
        Outcome("q2", ("cni",), None, ("cni", "passeport"), "nlu_fallback", None, True),
        Outcome("q3", ("rsa",), None, ("rsa",), "ask_procedure", None, False),
        Outcome("q4", ("rsa",), None, ("prime_activite", "rsa"), "ask_procedure", None, False),
        Outcome("q5", ("out_of_scope",), "permis_conduire", (), "ask_procedure", None, True),
    ]
    summary = summarise(outcomes)
    assert summary["routing_accuracy"] == 0.2
    assert summary["misses_by_kind"] == {SUGGESTIONS: 3, "out of scope, answered as a procedure": 1}
    assert summary["misses_naming_a_procedure"] == {
        SUGGESTIONS: 1,
        "out of scope, answered as a procedure": 1,
    }


@pytest.mark.unit
def test_in_scope_misses_are_counted_by_where_the_matcher_ranks_the_expected_procedure():
    outcomes = [
        Outcome("q1", ("passeport",), "passeport", (), "ask_cost", None, True, 0),
        Outcome("q2", ("cni",), None, ("cni", "passeport"), "nlu_fallback", None, False, 0),
        Outcome("q3", ("rsa",), None, ("aah", "rsa"), "ask_procedure", None, False, 1),
        Outcome("q4", ("rsa",), "aah", (), "ask_procedure", None, True, 2),
        Outcome("q5", ("rsa",), None, (), "out_of_scope", None, False, None),
        Outcome("q6", ("out_of_scope",), "cni", (), "ask_procedure", None, True, None),
    ]
    summary = summarise(outcomes)
    assert outcomes[0].matcher_place is None  # answered right
    assert outcomes[5].matcher_place is None  # out of scope: no expected procedure to rank
    assert summary["in_scope_misses_by_matcher_place"] == {
        "second or third": 2,
        "first": 1,
        "not among its candidates": 1,
    }
