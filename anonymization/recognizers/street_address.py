"""Street addresses: number, street type, street name, optional postcode and city."""

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer
from anonymization.recognizers.vocabulary import PARTICLE, WORD, name_of

_STREET_TYPES = (
    r"rue|avenue|av\.?|ave|boulevard|bd|blvd|bld|all[ée]e|impasse|imp\.?|chemin|place"
    r"|route|rte|quai|cours(?=\s+(?-i:[A-ZÀ-Þ]))|square|passage|r[ée]sidence|lotissement"
    r"|lieu[- ]dit"
    r"|chauss[ée]e|faubourg|fbg|cit[ée]|sentier|voie|rond[- ]point|esplanade|parvis"
    r"|promenade|hameau|mont[ée]e|ruelle|venelle|traverse"
)
# "20 bis", "20bis", "20, bis", "20 B".
_NUMBER = r"\d{1,4}(?:\s*,?\s*(?:bis|ter|quater|[abc](?![\w])))?"
# Building complements written after the street: ", bâtiment B", ", appt 12", ", 3e étage".
_COMPLEMENT = (
    r"(?:\s*,\s*(?:b[âa]t(?:iment)?\.?|esc(?:alier)?\.?|app(?:artemen)?t\.?|porte|entr[ée]e"
    r"|r[ée]sidence|\d{1,2}\s?(?:e|[èe]me|er)\s+[ée]tage)(?:\s+[\w-]+)?)*"
)
_STREET = rf"(?:{_STREET_TYPES})(?![\w])\s+(?:{PARTICLE}\s+)?{name_of(WORD, max_words=5)}"
_TOWN = rf"{_COMPLEMENT}(?:\s*,?\s*\d{{5}}(?!\d)(?:\s+{name_of(WORD, max_words=3)})?)?"
_LIVING_CUES = r"habite|j['’ ]?habite|jhabite|domicili[ée]e?|r[ée]side|adresse\s*:?|vis"


class StreetAddressRecognizer(FrenchPatternRecognizer):
    """STREET_ADDRESS: "12 bis avenue Jean Jaurès", "3, rue des Lilas 69003 Lyon"."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = [
        Pattern(
            "numbered street", rf"(?<![\w,.])(?P<value>{_NUMBER}\s*,?\s*{_STREET}{_TOWN})", 0.6
        ),
        Pattern(
            "street after a living cue",
            rf"(?<!\w)(?:{_LIVING_CUES})\s+(?:au\s+|[àa]\s+la\s+|dans\s+la\s+|[àa]\s+)?"
            rf"(?P<value>{_STREET}{_TOWN})",
            0.6,
        ),
    ]
    CONTEXT = ["habite", "adresse", "domicile", "demenage", "loge"]
