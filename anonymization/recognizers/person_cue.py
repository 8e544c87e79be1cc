"""Person names announced by French cue phrases, including lower-case names."""

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer
from anonymization.recognizers.vocabulary import CAPITALISED, SAFE_WORD, WORD, name_of

# Cues after which any non-stop word is a name: "je m'appelle marie lemoine".
_STRONG_CUES = (
    r"j(?:e|['’])?\s*m['’ ]?\s*ap+el+e?s?",
    r"je\s+me\s+nomme",
    r"mon\s+(?:nom|pr[ée]nom)(?:\s+de\s+famille)?\s*(?:est|c['’ ]?est|:)",
    r"(?<!\w)(?:nom|pr[ée]nom)\s*:",
    r"moi\s*,?\s*c['’ ]?\s*est",
    r"sign[ée]e?\s*:?",
    r"de\s+la\s+part\s+de",
    r"au\s+nom\s+de",
)
# Titles: the name may be lower case but must not be a common chat word.
_TITLES = r"monsieur|madame|mademoiselle|mme|mlle|mr|(?-i:M)\.|ma[îi]tre|docteur|dr\.?"
# Weak cues: only a capitalised name counts ("je suis Marie", not "je suis perdu").
_WEAK_CUES = (
    r"je\s+suis|j['’ ]?suis",
    r"cordialement\s*,?|bien\s+[àa]\s+vous\s*,?",
    r"(?:mon|ma)\s+(?:fils|fille|mari|femme|[ée]poux|[ée]pouse|conjointe?|fr[èe]re"
    r"|s(?:oeu|œu)r|m[èe]re|p[èe]re|enfant|compagne?|copine?)",
    r"(?-i:M)(?=\s)|m\.",
)


def _cued(cues, name_word: str) -> str:
    return rf"(?<!\w)(?:{'|'.join(cues)})(?!\w)\s*(?P<value>{name_of(name_word)})"


class PersonCueRecognizer(FrenchPatternRecognizer):
    """PERSON after "je m'appelle", "moi c'est", "signé", "Mme", "je suis", ..."""

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern("person after strong cue", _cued(_STRONG_CUES, WORD), 0.8),
        Pattern("person after title", _cued([_TITLES], SAFE_WORD), 0.7),
        Pattern("person after weak cue", _cued(_WEAK_CUES, CAPITALISED), 0.6),
    ]
