"""Scoring: the leak-based scores used side by side with the peers, and the two corpora report."""

import sys
from pathlib import Path

import pytest

from evaluation.scoring import CORPORA, LeakScores, leaks
from tests.subprocesses import Batch, Commands

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "value, output, rest, leaked",
    [
        ("Marie Dupont", "je suis <PERSON_1>", "je suis ", False),
        ("Marie Dupont", "je suis Jeanne Martin", "je suis ", False),  # pseudonymised
        ("Marie Dupont", "je suis Marie Dupont", "je suis ", True),
        ("Marie Dupont", "je suis <PERSON_1> Dupont", "je suis ", True),  # half the name
        ("06 12 34 56 78", "tel 0612345678", "tel ", True),  # same digits, other layout
        ("06 12 34 56 78", "tel 07 55 10 20 30", "tel ", False),
        ("12 rue de la Paix", "au <ADDRESS> rue de la gare", "au rue de la gare", False),
    ],
)
def test_leaks(value, output, rest, leaked):
    assert leaks(value, output, rest) is leaked


def test_leak_scores_of_one_record():
    record = {
        "text": "Marie Dupont, tel 06 12 34 56 78, pour la CAF",
        "entities": [
            {"type": "PERSON", "start": 0, "end": 12},
            {"type": "PHONE_NUMBER", "start": 18, "end": 32},
        ],
        "must_keep": ["CAF"],
    }
    scores = LeakScores()
    scores.add(record, "Marie Dupont, tel <PHONE_NUMBER_1>, pour la CAF")
    summary = scores.summary()
    assert summary["ids"] == 1.0 and summary["person"] == 0.0 and summary["all"] == 0.5
    assert summary["keep"] == 1.0


EVAL = [sys.executable, "-m", "evaluation", "eval-redaction", "--no-vanilla"]
EVALUATING = Batch(lambda _: Commands({"eval": (EVAL, b"")}), cwd=ROOT)


def test_eval_reports_both_corpora():
    done = EVALUATING.results()["eval"]
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    stdout = done.stdout.decode()
    for corpus in CORPORA:
        assert f"== {corpus}" in stdout
    assert stdout.count("identifiers recall") == 2
    assert stdout.count("PII-free unchanged") == 2
