"""Dates of birth: a calendar-valid date next to a birth cue."""

import re
from datetime import date

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer
from anonymization.recognizers.vocabulary import CAPITALISED, name_of

_MONTHS = {
    "janv": 1,
    "fevr": 2,
    "mars": 3,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juil": 7,
    "aout": 8,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
_MONTH_WORD = (
    r"janv(?:ier)?|f[ée]v(?:r(?:ier)?)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[ûu]t"
    r"|sept(?:embre)?|oct(?:obre)?|nov(?:embre)?|d[ée]c(?:embre)?"
)


_NUMERIC = r"(?<![\w/.-])\d{1,2}[/.\- ]\d{1,2}[/.\- ](?:19|20)?\d{2}(?![\w/])"
_WORDS = rf"(?<![\w])\d{{1,2}}(?:er)?\s+(?:{_MONTH_WORD})\.?\s+(?:19|20)\d{{2}}(?!\w)"
# A date listed right after a person's name: "Alix Servant ; 04/10/1977", "Timéo (02/03/2016)".
_NAME = name_of(rf"(?!(?i:{_WEEKDAYS})(?!\w)){CAPITALISED}")
_AFTER_NAME = rf"(?<![\w]){_NAME}[ \t]*[-–;|/,(][ \t]*(?P<value>{_NUMERIC}|{_WORDS})"


class DateOfBirthRecognizer(FrenchPatternRecognizer):
    """DATE_OF_BIRTH: "né le 3 mars 1985", "DN : 12/03/1985", "Alix Servant ; 04/10/1977"."""

    ENTITY = "DATE_OF_BIRTH"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("numeric", _NUMERIC, 0.2),
        Pattern("words", _WORDS, 0.2),
        Pattern("after a name", _AFTER_NAME, 0.5),
    ]
    GUARDS = {"after a name": r"[-–;|/,(][ \t]*\d"}
    CONTEXT = [
        "ne le",
        "nee le",
        "ne(e) le",
        "ne en",
        "nee en",
        "ne a",
        "nee a",
        "naiss",  # naissance, "date naiss."
        "ddn",
        "dn",
        "anniversaire",
    ]
    CONTEXT_BOOST = 0.6

    def invalidate_result(self, pattern_text: str) -> bool:
        """Reject impossible dates and dates outside 1900..today."""
        text = re.sub(r"^(\d+)er", r"\1", pattern_text.lower())
        parts = re.findall(r"\d+|[^\W\d]+", text)
        if len(parts) != 3:
            return True
        day, month, year = parts
        month = int(month) if month.isdigit() else _month_number(month)
        year = int(year)
        if year < 100:
            year += 1900 if year > date.today().year % 100 else 2000
        try:
            born = date(year, month, int(day))
        except (TypeError, ValueError):
            return True
        return not date(1900, 1, 1) <= born <= date.today()


def _month_number(word: str):
    folded = word.replace("é", "e").replace("û", "u")
    return next((number for prefix, number in _MONTHS.items() if folded.startswith(prefix)), None)
