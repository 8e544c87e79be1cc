"""The catalogue's closed vocabulary in a text: procedure names, case words and ages.

These are the NLU entities (procedure, situation, age). The same spans annotate the training
examples generated from the catalogue (actions/training_data.py) and are what the NLU pipeline
extracts (bot/nlu.py), so that annotation and extraction always agree. The catalogue matcher
(actions/matcher.py) builds on this vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions.catalogue import MAX_AGE, Catalogue, normalise, situation_for_age
from anonymization.text import fold

WORD = re.compile(r"[a-z0-9]+")
AGE = re.compile(r"(?<![0-9])([0-9]{1,3}) ?ans?(?![a-z0-9])")
WORD_GLUE = "+-_@/"  # characters the tokenizer keeps inside a word


def phrase_pattern(phrase: str) -> re.Pattern:
    """A regex finding `phrase` in folded text, as whole words, whatever the punctuation between
    them; a trailing * lets the last word continue. Offsets equal those of the original text."""
    prefix = phrase.rstrip().endswith("*")
    words = WORD.findall(fold(phrase))
    tail = "[a-z0-9]*" if prefix else ""
    return re.compile(rf"(?<![a-z0-9]){'[^a-z0-9]+'.join(map(re.escape, words))}{tail}(?![a-z0-9])")


@dataclass(frozen=True)
class EntitySpan:
    start: int
    end: int
    entity: str  # "procedure", "situation" or "age"
    value: str  # the procedure id, the case key, or the age as written


class Vocabulary:
    """Where a text names a procedure, describes a case (data/knowledge/cases.yml) or gives an
    age, compared without accents or case."""

    def __init__(self, catalogue: Catalogue):
        self._aliases = sorted(
            (
                (normalise(alias), phrase_pattern(alias), procedure.id)
                for procedure in catalogue.procedures.values()
                for alias in {*procedure.aliases, procedure.title}
                if normalise(alias)
            ),
            key=lambda entry: len(entry[0]),
            reverse=True,
        )
        self._cases = [
            (case, [phrase_pattern(cue) for cue in cues])
            for case, cues in catalogue.case_cues.items()
        ]

    def alias_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, procedure id) of every alias in `text`, longest first, not overlapping."""
        folded, spans = fold(text), []
        for _, pattern, procedure_id in self._aliases:
            for found in pattern.finditer(folded):
                if all(found.end() <= start or found.start() >= end for start, end, _ in spans):
                    spans.append((found.start(), found.end(), procedure_id))
        return sorted(spans)

    def named_procedures(self, text: str) -> set[str]:
        """The ids of the procedures whose names are in `text`."""
        return {procedure_id for *_, procedure_id in self.alias_spans(text)}

    def case_spans(self, text: str) -> list[tuple[int, int, str]]:
        folded = fold(text)
        return sorted(
            (found.start(), found.end(), case)
            for case, patterns in self._cases
            for pattern in patterns
            for found in pattern.finditer(folded)
        )

    def cases(self, text: str) -> list[str]:
        """The cases the message describes, most specific first: an age decides the age band."""
        folded = fold(text)
        found = [
            situation_for_age(int(age)) for age in AGE.findall(folded) if 0 < int(age) <= MAX_AGE
        ][:1]
        for case, patterns in self._cases:
            if case not in found and any(pattern.search(folded) for pattern in patterns):
                found.append(case)
        return found

    def entities(self, text: str) -> list[EntitySpan]:
        """The entities of `text`, in order: names first, then ages, then case words, each kept
        only where no earlier one lies and on word boundaries as the tokenizer sees them."""
        spans: list[EntitySpan] = []

        def free(start: int, end: int) -> bool:
            def glued(position: int) -> bool:
                inside = 0 <= position < len(text)
                return inside and (text[position].isalnum() or text[position] in WORD_GLUE)

            aligned = not glued(start - 1) and not glued(end)
            return aligned and all(end <= span.start or start >= span.end for span in spans)

        found = [(start, end, "procedure", value) for start, end, value in self.alias_spans(text)]
        found += [(*age.span(1), "age", age.group(1)) for age in AGE.finditer(text.lower())]
        found += [(start, end, "situation", case) for start, end, case in self.case_spans(text)]
        for start, end, entity, value in found:
            if free(start, end):
                spans.append(EntitySpan(start, end, entity, value))
        return sorted(spans, key=lambda span: span.start)
