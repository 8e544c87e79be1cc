"""The external question set (tests/external/official_questions.yml) stays external.

It measures routing on wording the project did not write, so it must never leak into training:
no item may equal, or be contained in, an NLU training example or a phrasing of the knowledge
catalogue. The file's shape and its coverage (enough items, procedures and out-of-scope traps)
are checked too, so that the measure cannot silently shrink.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from actions.catalogue import Catalogue, normalise
from tests.conftest import ORIGINAL_PROCEDURES

pytestmark = pytest.mark.unit

CATALOGUE = Catalogue.load()
ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = ROOT / "tests" / "external" / "official_questions.yml"
NLU_DIR = ROOT / "data" / "nlu"

QUESTION_KINDS = {"summary", "where", "cost", "documents", "delay", "validity", "conditions", "faq"}
ORIGINS = {"official", "public", "written"}
# An external question shorter than this (in words) is not searched for inside longer examples:
# a short question could be embedded by chance.
MIN_WORDS_FOR_CONTAINMENT = 4
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def load_items() -> list[dict]:
    return yaml.safe_load(EXTERNAL.read_text(encoding="utf-8"))["items"]


def expected_ids(item: dict) -> list[str]:
    expected = item["expected"]
    return expected if isinstance(expected, list) else [expected]


def catalogue_ids() -> set[str]:
    return set(CATALOGUE.procedures)


def training_phrasings() -> set[str]:
    """Every NLU example (annotations removed) and every phrasing the catalogue matcher compares
    messages with (names, situations, questions, FAQ, other senses), normalised."""
    phrasings: set[str] = set()
    for path in sorted(NLU_DIR.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                example = ANNOTATION.sub(r"\1", line.strip().removeprefix("-").strip())
                phrasings.add(normalise(example))
    for procedure in CATALOGUE.procedures.values():
        questions = [text for texts in procedure.questions.values() for text in texts]
        faq = [text for entry in procedure.faq for text in entry.phrasings]
        for text in (
            procedure.title,
            *procedure.aliases,
            *procedure.situations,
            *questions,
            *faq,
            *procedure.not_about,
        ):
            phrasings.add(normalise(text))
    phrasings.discard("")
    return phrasings


ITEMS = load_items()
ALLOWED_IDS = catalogue_ids()
IN_SCOPE = [item for item in ITEMS if item["expected"] != "out_of_scope"]
OUT_OF_SCOPE = [item for item in ITEMS if item["expected"] == "out_of_scope"]


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["text"][:40])
def test_item_is_well_formed(item):
    assert set(item) <= {"text", "expected", "question", "source", "origin", "via", "trap_keyword"}
    assert item["text"].strip() == item["text"] and item["text"]
    assert item["origin"] in ORIGINS
    if item["expected"] == "out_of_scope":
        assert "question" not in item
    else:
        ids = expected_ids(item)
        assert ids and len(ids) == len(set(ids))
        assert set(ids) <= ALLOWED_IDS, set(ids) - ALLOWED_IDS
        assert "trap_keyword" not in item
        assert item.get("question", "faq") in QUESTION_KINDS
    url = urlparse(item["source"])
    assert url.scheme in {"http", "https"} and url.netloc, item["source"]


def test_items_are_distinct():
    counts = Counter(normalise(item["text"]) for item in ITEMS)
    assert [text for text, n in counts.items() if n > 1] == []


def test_no_item_appears_in_training_data_or_catalogue():
    phrasings = training_phrasings()
    leaks = []
    for item in ITEMS:
        text = normalise(item["text"])
        if text in phrasings:
            leaks.append(item["text"])
        elif len(text.split()) >= MIN_WORDS_FOR_CONTAINMENT and any(
            f" {text} " in f" {phrasing} " for phrasing in phrasings
        ):
            leaks.append(item["text"])
    assert leaks == [], "external questions must never be used for training"


def test_set_is_large_and_spread_enough():
    per_procedure = Counter(i for item in IN_SCOPE for i in expected_ids(item))
    first_choice = Counter(expected_ids(item)[0] for item in IN_SCOPE)
    assert len(IN_SCOPE) >= 100
    assert len(per_procedure) >= 20
    assert max(first_choice.values()) <= 12, first_choice.most_common(3)
    assert sum(n for i, n in first_choice.items() if i in ORIGINAL_PROCEDURES) >= 0.6 * len(
        IN_SCOPE
    )
    assert len(OUT_OF_SCOPE) >= 30
    assert sum(1 for item in OUT_OF_SCOPE if item.get("trap_keyword")) >= 12
    origins = Counter(item["origin"] for item in ITEMS)
    assert origins["written"] < origins["official"] + origins["public"]
    assert origins["written"] <= 0.1 * len(ITEMS)
