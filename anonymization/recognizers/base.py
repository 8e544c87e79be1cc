"""Base class of Guichet's French pattern recognizers."""

import re

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

from anonymization.recognizers.vocabulary import misspelt
from anonymization.text import fold

_DIGIT = re.compile(r"\d")


class FrenchPatternRecognizer(PatternRecognizer):
    """Presidio PatternRecognizer with French, accent-insensitive context scoring.

    Subclasses set ENTITY, PATTERNS, CONTEXT and optionally validate_result /
    invalidate_result, exactly like Presidio's predefined recognizers.
    Differences from PatternRecognizer.analyze:
    - when a pattern has a group named ``value``, only that group is reported
      (so a cue such as "né le" can be matched without being redacted);
    - a CONTEXT word (accents and case ignored, and two adjacent letters possibly swapped:
      "anissance", "lpaque") within CONTEXT_BEFORE characters
      before or CONTEXT_AFTER characters after the match adds CONTEXT_BOOST
      to the score of results that were not validated by a check digit;
    - with ``redact_wrong_check_digit``, a match whose check digit is wrong (a typo)
      is kept and scored like a match without a check digit, instead of dropped.
    """

    ENTITY: str = ""
    PATTERNS: list[Pattern] = []
    CONTEXT: list[str] = []
    FLAGS = re.IGNORECASE
    CONTEXT_BEFORE = 40
    CONTEXT_AFTER = 25
    CONTEXT_BOOST = 0.4
    # Speed: True when every pattern needs a digit (most messages then skip the recognizer);
    # GUARDS maps a pattern name to a cheap regex the text must contain for it to run.
    NEEDS_DIGIT = False
    GUARDS: dict[str, str] = {}

    def __init__(self, redact_wrong_check_digit: bool = False):
        self.redact_wrong_check_digit = redact_wrong_check_digit
        super().__init__(
            supported_entity=self.ENTITY,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            supported_language="fr",
            global_regex_flags=self.FLAGS,
        )
        self._regexes = [(p, re.compile(p.regex, self.FLAGS)) for p in self.patterns]
        self._guards = {name: re.compile(guard) for name, guard in self.GUARDS.items()}
        words = "|".join(misspelt(fold(w), r"[\s'-]*") for w in self.CONTEXT)
        self._context_regex = re.compile(rf"(?<![a-z0-9])(?:{words})") if words else None

    def analyze(
        self, text: str, entities=None, nlp_artifacts=None, regex_flags=None
    ) -> list[RecognizerResult]:
        """Return the scored matches of all PATTERNS in text."""
        results: list[RecognizerResult] = []
        if self.NEEDS_DIGIT and not _DIGIT.search(text):
            return results
        for pattern, regex in self._regexes:
            guard = self._guards.get(pattern.name)
            if guard is not None and not guard.search(text):
                continue
            for match in regex.finditer(text):
                group = "value" if "value" in regex.groupindex else 0
                start, end = match.span(group)
                if self.invalidate_match(pattern, text, start, end):
                    continue
                score = self._score(text, start, end, pattern.score)
                if score is not None:
                    results.append(RecognizerResult(self.ENTITY, start, end, score))
        return EntityRecognizer.remove_duplicates(results)

    def invalidate_match(self, pattern: Pattern, text: str, start: int, end: int) -> bool:
        """Like invalidate_result for text[start:end], for one pattern (default: none)."""
        return False

    def _score(self, text: str, start: int, end: int, score: float) -> float | None:
        value = text[start:end]
        if not value.strip() or self.invalidate_result(value):
            return None
        valid = self.validate_result(value)
        if valid:
            return EntityRecognizer.MAX_SCORE
        if valid is False and not self.redact_wrong_check_digit:
            return None
        if self.has_context(text, start, end):
            score = min(EntityRecognizer.MAX_SCORE, score + self.CONTEXT_BOOST)
        return score

    def has_context(self, text: str, start: int, end: int) -> bool:
        """True when a CONTEXT word occurs near text[start:end]."""
        if self._context_regex is None:
            return False
        folded = fold(text)
        before = folded[max(0, start - self.CONTEXT_BEFORE) : start]
        after = folded[end : end + self.CONTEXT_AFTER]
        return bool(self._context_regex.search(before) or self._context_regex.search(after))
