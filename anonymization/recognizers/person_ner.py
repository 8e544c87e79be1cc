"""Person names found by spaCy's statistical NER."""

from collections.abc import Iterable

from presidio_analyzer import RecognizerResult
from spacy.tokens import Doc

from anonymization.recognizers.vocabulary import CHAT_WORDS
from anonymization.text import fold

# spaCy labels and the entity type they become when the policy trusts them.
LABEL_TO_ENTITY = {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION", "MISC": "MISC"}


class SpacyNerRecognizer:
    """Turn the trusted labels of a spaCy Doc into results (PER only by default)."""

    SCORE = 0.85

    def __init__(self, trusted_labels: Iterable[str]):
        self.trusted_labels = set(trusted_labels)

    def analyze(self, doc: Doc) -> list[RecognizerResult]:
        """Return one result per trusted entity that looks like a name."""
        return [
            RecognizerResult(
                LABEL_TO_ENTITY.get(ent.label_, ent.label_),
                ent.start_char,
                ent.end_char,
                self.SCORE,
            )
            for ent in doc.ents
            if ent.label_ in self.trusted_labels and _plausible(ent.text)
        ]


def _plausible(text: str) -> bool:
    """Keep spans without digits, with a capitalised word that is not a chat word.

    Lower-case names are left to the cue-phrase recognizer: spaCy's guesses on
    lower-case text ("numero fiscal") are mostly wrong.
    """
    if any(ch.isdigit() for ch in text):
        return False
    return any(w[:1].isupper() and fold(w) not in CHAT_WORDS for w in text.split())
