"""Person names announced by French cue phrases, including lower-case names."""

import re

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer
from anonymization.recognizers.vocabulary import (
    CAPITALISED,
    SAFE_WORD,
    TITLE_WORDS,
    WORD,
    name_of,
    ordinary_words,
)

_FIELD = (
    r"(?:nom|pr[ée]nom)(?:\s*\(s\))?(?:\s+(?:de\s+naissance|d['’]\s?usage|de\s+famille"
    r"|de\s+jeune\s+fille|marital|patronymique|d['’]\s?[ée]pouse))?"
)
# Cues after which any non-stop word is a name: "je m'appelle marie lemoine".
_STRONG_CUES = (
    r"j(?:e|['’])?\s*m['’ ]?\s*ap+el+e?s?",
    r"je\s+me\s+nomme",
    r"mon\s+(?:nom|pr[ée]nom)(?:\s+de\s+famille)?\s*(?:est|c['’ ]?est|c|:)",
    # Forms typed in capitals leave the colon out: "NOM DURAND PRENOM ...".
    r"(?-i:NOM|PR[EÉ]NOM)(?=[ \t]+(?-i:[A-ZÀ-Þ]{2}))",
    # Form fields: "Nom :", "Prénom(s) :", "Nom/Prénom :", "Nom de naissance :", "Nom d'usage :".
    rf"(?<!\w){_FIELD}(?:\s*(?:/|,|et)\s*{_FIELD})?\s*:",
    r"moi\s*,?\s*c['’ ]?\s*est",
    r"sign[ée]e?\s*:?",
    r"de\s+la\s+part\s+de",
    r"au\s+nom\s+de",
)
# Titles: the name may be lower case but must not be a common chat word.
_TITLES = rf"{TITLE_WORDS}|mme|mlle|mr|(?-i:M)\.|ma[îi]tre|dr\.?"
# Weak cues: only a capitalised name counts ("je suis Marie", not "je suis perdu").
_WEAK_CUES = (
    r"je\s+suis|j['’ ]?suis",
    r"cordialement\s*,?|bien\s+[àa]\s+vous\s*,?",
    r"(?:mon|ma)\s+(?:fils|fille|mari|femme|[ée]poux|[ée]pouse|conjointe?|fr[èe]re"
    r"|s(?:oeu|œu)r|m[èe]re|p[èe]re|enfant|compagne?|copine?)",
    r"(?-i:M)(?=\s)|m\.",
    # Titles and professions that are also ordinary words: "Me", "Pr", "le professeur".
    r"(?-i:Me|Pr)\.?|professeur|chef\s+de\s+service\s*,?",
    # Birth and married names: "née Kerhervé", "NEE AUDOUARD EPOUSE VIALA" (not "ne", the
    # negation of "JE NE TROUVE PAS", nor "marie").
    r"n(?:ée|ee|é)|[ée]pouse|[ée]poux|[ée]p\.|veuve|mari(?:ée|ee|é)",
)
# An initial and a surname: "J. L'Archevêque", "P.-É. Roustan" (not "M. ", a title).
_INITIAL = r"(?<![\w.’'-])(?!M\.)(?-i:[A-ZÀ-Þ])\.(?:-?(?-i:[A-ZÀ-Þ])\.)?[ \t]*"
# The first line of a list-like message: "Alix Servant - 06 ... - alix@...".
_LIST_START = r"(?:^|(?<=\n))[ \t]*(?:[•*\-–][ \t]+|\d{1,2}[).][ \t]*)?"
_LIST_SEPARATOR = r"[ \t]*[|;/,:\t(]|[ \t]+[-–—]|[ \t]*(?:\n|$)"
# What follows the separator of a list item that holds personal data: digits, "+33", e-mail.
_DATA_FOLLOWS = re.compile(r"[^\w\n]*(?:[+\d]|[\w.+-]+@)")


def _cued(cues, name: str) -> str:
    return rf"(?<!\w)(?:{'|'.join(cues)})(?!\w)\s*(?P<value>{name})"


class PersonCueRecognizer(FrenchPatternRecognizer):
    """PERSON after "je m'appelle", "moi c'est", "signé", "Mme", "Pr", "née", ..., an initial
    ("J. L'Archevêque"), or opening a list-like message ("Alix Servant - 06 ...")."""

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern("person after strong cue", _cued(_STRONG_CUES, name_of(WORD)), 0.8),
        # A capitalised name stops at the first lower-case word ("Maître Vialle s'occupe");
        # a lower-case one ("mme lefevre") is taken as typed.
        Pattern(
            "person after title",
            _cued([_TITLES], f"{name_of(CAPITALISED)}|{name_of(SAFE_WORD)}"),
            0.7,
        ),
        Pattern("person after weak cue", _cued(_WEAK_CUES, name_of(CAPITALISED)), 0.6),
        Pattern("initial and surname", rf"{_INITIAL}{name_of(CAPITALISED, 2)}", 0.6),
        Pattern(
            "name opening a list",
            rf"{_LIST_START}(?P<value>{CAPITALISED}(?:[ \t]+{CAPITALISED}){{1,2}})"
            rf"(?={_LIST_SEPARATOR})",
            0.6,
        ),
        Pattern("name then ici", rf"(?P<value>{name_of(CAPITALISED, 2)})[ \t]+ici(?!\w)", 0.6),
    ]
    GUARDS = {
        "initial and surname": r"(?<![\w.])[A-ZÀ-Þ]\.",
        "name then ici": r"(?i)(?<!\w)ici(?!\w)",
    }
    # Patterns with no cue word: their match must look like a name, not ordinary words.
    SHAPE_ONLY = ("name opening a list", "name then ici")

    def invalidate_match(self, pattern: Pattern, text: str, start: int, end: int) -> bool:
        """A cue-less match made only of ordinary French words ("Original Message") is not
        a name, unless one is a known first name or a number or e-mail follows it; nor is
        an all-capitals one after a weak cue."""
        value = text[start:end]
        if pattern.name == "person after weak cue":
            # In a message typed in capitals, a capital letter says nothing: "JE SUIS
            # FRANCAISE" is no name (but "m. NOËL" in a lower-case message is one).
            around = text[max(0, start - 30) : end + 30]
            return not any(ch.islower() for ch in around) and ordinary_words(value)
        if pattern.name not in self.SHAPE_ONLY:
            return False
        if any(ch.isdigit() for ch in value):
            return True  # "IMMATRICULATION HX-417-QD - ..." opens with a plate, not a name
        return ordinary_words(value) and not _DATA_FOLLOWS.match(text, end)
