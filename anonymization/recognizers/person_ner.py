"""Person names found by spaCy's statistical NER."""

import re
from collections.abc import Iterable

from presidio_analyzer import RecognizerResult
from spacy.tokens import Doc

from anonymization.recognizers.vocabulary import CHAT_WORDS, TITLE_WORDS, ordinary_words
from anonymization.text import fold

# spaCy labels and the entity type they become when the policy trusts them.
LABEL_TO_ENTITY = {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION", "MISC": "MISC"}
# A form or e-mail header label: "Titulaire :", "Expéditeur:", "Date (JJ/MM) :".
_LABEL_AFTER = re.compile(r"[ \t]*(?:\([^)\n]*\)[ \t]*)?:")
_PLACE = re.compile(r"(?:saint|sainte|st|ste)-", re.IGNORECASE)
# Forms of address on their own ("Veuillez agréer, Madame, Monsieur") are not names.
_TITLES = {"madame", "monsieur", "mademoiselle", "messieurs", "mesdames", "docteur", "maitre"}
_NOT_IN_NAMES = set("/()[]{}<>@=#_")
# Words spaCy sometimes puts before a name ("MON FILS KYLIAN"): the name starts after them.
_KIN = {"mon", "ma", "mes", "enfant"} | CHAT_WORDS


class SpacyNerRecognizer:
    """Turn the trusted labels of a spaCy Doc into results (PER only by default)."""

    SCORE = 0.85

    def __init__(self, trusted_labels: Iterable[str]):
        self.trusted_labels = set(trusted_labels)

    def analyze(self, doc: Doc) -> list[RecognizerResult]:
        """Return one result per line of each trusted entity that looks like a name."""
        text = doc.text
        results = []
        for ent in doc.ents:
            if ent.label_ not in self.trusted_labels:
                continue
            entity = LABEL_TO_ENTITY.get(ent.label_, ent.label_)
            # A name does not run over a line break ("Cdlt\nAlix Servant").
            for line in re.finditer(r"[^\n]+", ent.text):
                start, end = _trim(text, ent.start_char + line.start(), ent.start_char + line.end())
                if start < end and (entity != "PERSON" or _plausible(text, start, end)):
                    results.append(RecognizerResult(entity, start, end, self.SCORE))
        return results


# Titles spaCy includes in a name: the name starts after them ("Me Fauvel" -> "Fauvel",
# "madame QUINTARD" -> "QUINTARD").
_LEADING_TITLE = re.compile(
    rf"(?:(?:M|Mme|Mlle|Mr|Me|Ma[îi]tre|Dr|Pr|Professeur|(?i:{TITLE_WORDS}))\.?[ \t]+)+(?=\w)"
)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    title = _LEADING_TITLE.match(text, start, end)
    if title:
        start = title.end()
    while (word := re.match(r"[^\W\d_]+[ \t]+", text[start:end])) and fold(
        word.group().strip()
    ) in _KIN:
        start += word.end()
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".'’"):
        end -= 1
    return start, end


def _plausible(text: str, start: int, end: int) -> bool:
    """Keep spans without digits, with a capitalised word that is not a chat word.

    Lower-case names are left to the cue-phrase recognizer: spaCy's guesses on
    lower-case text ("numero fiscal") are mostly wrong. One ordinary French word
    ("Veuillez", "Livraison"), a place ("Saint-Martin") or a field label
    ("Titulaire :") is not a name either.
    """
    span = text[start:end]
    if any(ch.isdigit() or ch in _NOT_IN_NAMES for ch in span):
        return False
    words = span.split()
    while words and fold(words[0]).strip(",.;:!?") in CHAT_WORDS | _TITLES:
        words = words[1:]  # "Merci Guichet" is thanks, not a name
    span = " ".join(words)
    if not any(w[:1].isupper() and fold(w) not in CHAT_WORDS for w in words):
        return False
    single = len(words) == 1
    if single and (_PLACE.match(span) or ordinary_words(span)):
        return False
    label = _LABEL_AFTER.match(text, end) is not None
    return not (label and (single or ordinary_words(span)))
