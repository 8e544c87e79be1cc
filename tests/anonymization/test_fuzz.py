"""Property-based fuzz of the Redactor (hypothesis): whatever the input, no exception escapes,
a failure gives the fixed placeholder and nothing else, and no canary ever comes out.

The canaries are identifiers that the pattern recognizers find without context (social
security number, IBAN, phone number, e-mail address), placed among random words of any script
(digits and '@' left out of the words, so that a word cannot extend an identifier into another,
valid or not). Names depend on the NER and its context: tests/test_canary.py covers them end to
end. The example counts are fixed (no database of examples, no deadline), so the run is
reproducible and bounded.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymization import Redactor
from tests.fuzzing import FUZZ

pytestmark = pytest.mark.unit

PLACEHOLDER = "<REDACTION_FAILED>"
CANARIES = [
    "1 85 05 78 006 084 91",  # NIR, key 91
    "FR76 3000 6000 0112 3456 7890 189",  # IBAN
    "06 71 82 93 04",
    "maelys.kerbrat@orange.fr",
]

# Any character but digits and '@' (Nd and the '@' sign), including controls and lone
# surrogates; the redactor must survive those too.
WORD_CHARACTERS = st.characters(exclude_categories=["Nd"], exclude_characters="@")
WORDS = st.text(WORD_CHARACTERS, max_size=12)
ANY_TEXT = st.text(st.characters(exclude_categories=[]), max_size=400)


def _compact(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text).lower()


def canaries_in(text: str) -> list[str]:
    return [c for c in CANARIES if c in text or _compact(c) in _compact(text)]


@st.composite
def texts_with_canaries(draw) -> tuple[str, list[str]]:
    """Random words with one to four canaries among them, separated by spaces."""
    words = draw(st.lists(WORDS, max_size=25))
    chosen = draw(st.lists(st.sampled_from(CANARIES), min_size=1, max_size=4))
    for canary in chosen:
        words.insert(draw(st.integers(0, len(words))), canary)
    return " ".join(words), chosen


@FUZZ
@given(texts_with_canaries(), st.one_of(st.none(), st.text(max_size=8)))
def test_no_canary_comes_out(redactor, text_and_canaries, conversation):
    text, _ = text_and_canaries
    result = redactor.redact(text, conversation)
    assert canaries_in(result.text) == [], (text, result.text)
    if result.failed:
        assert (result.text, result.entities) == (PLACEHOLDER, [])


@FUZZ
@given(ANY_TEXT)
def test_any_text_is_redacted_or_fails_closed(redactor, text):
    result = redactor.redact(text)
    if result.failed:
        assert (result.text, result.entities) == (PLACEHOLDER, [])
    else:
        assert all(0 <= f.start < f.end <= len(text) for f in result.entities)


@FUZZ
@given(
    st.lists(
        st.one_of(
            ANY_TEXT,
            st.none(),
            st.integers(),
            st.binary(max_size=20),
            texts_with_canaries().map(lambda pair: pair[0]),
        ),
        max_size=6,
    )
)
def test_batches_of_anything_give_one_safe_result_each(redactor, items):
    results = redactor.redact_many(items, conversation_id="fuzz")
    assert len(results) == len(items)
    for item, result in zip(items, results, strict=True):
        assert isinstance(result.text, str) and canaries_in(result.text) == []
        if not isinstance(item, str):
            assert result.failed and result.text == PLACEHOLDER


class Faulty:
    """A recognizer that fails on some texts, with an exception quoting the text."""

    supported_entities = ["PERSON"]

    def __init__(self, error: type[BaseException]) -> None:
        self.error = error

    def analyze(self, text, entities=None):
        if len(text) % 2:
            raise self.error(f"failed on {text}")
        return []


@pytest.fixture(scope="module")
def faulty_redactor(no_network):
    return Redactor.from_policy()


@FUZZ
@given(
    texts_with_canaries(),
    st.sampled_from([RuntimeError, ValueError, KeyError, RecursionError, MemoryError]),
)
def test_faults_fail_closed(faulty_redactor, text_and_canaries, error):
    faulty_redactor._recognizers.append(Faulty(error))
    try:
        before = faulty_redactor.failure_count
        result = faulty_redactor.redact(text_and_canaries[0])
    finally:
        faulty_redactor._recognizers.pop()
    assert canaries_in(result.text) == []
    if len(text_and_canaries[0]) % 2:
        assert result.failed and result.text == PLACEHOLDER
        assert faulty_redactor.failure_count == before + 1
