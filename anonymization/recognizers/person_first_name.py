"""Person names starting with a known French first name, in any case, accents optional."""

import re
import unicodedata
from pathlib import Path

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer
from anonymization.recognizers.vocabulary import PARTICLE, WORD

# Upper-case surname written before the first name: "DA COSTA Emmanuel".
_UPPER_SURNAME = r"(?-i:[A-ZÀ-ÖØ-Þ]{2,}(?:['’-][A-ZÀ-ÖØ-Þ]+)*)"
FIRST_NAMES = Path(__file__).resolve().parent.parent / "data" / "first_names.txt"


def _accent_optional(name: str) -> str:
    """'célina' -> 'c[ée]lina': users often drop accents, never add them."""
    parts = []
    for ch in name:
        base = unicodedata.normalize("NFD", ch)[0]
        parts.append(f"[{base}{ch}]" if base != ch else re.escape(ch))
    return "".join(parts)


def _first_names_regex() -> str:
    lines = FIRST_NAMES.read_text(encoding="utf-8").splitlines()
    names = sorted((n for n in lines if n and not n.startswith("#")), key=len, reverse=True)
    return "|".join(_accent_optional(n) for n in names)


class PersonFirstNameRecognizer(FrenchPatternRecognizer):
    """PERSON: a first name from the list, plus up to two following name words.

    Catches lower-case names without a cue ("nathalie lemoine, 3 rue ...") and
    upper-case surnames written first ("DA COSTA Emmanuel").
    """

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern(
            "first name",
            rf"(?<![\w'’-])(?<!\w[.@])(?:{_UPPER_SURNAME}[ \t]+){{0,2}}"
            rf"(?:{_first_names_regex()})(?![\w'’-]|[.@]\w)"
            rf"(?:[ \t]+(?:{PARTICLE}[ \t]+)?{WORD}){{0,2}}",
            0.6,
        ),
    ]
