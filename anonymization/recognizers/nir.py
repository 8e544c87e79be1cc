"""French social security number (NIR): mainland, Corsica (2A/2B), overseas (97x), abroad (99)."""

import re

from presidio_analyzer import Pattern
from stdnum.fr import nir

from anonymization.recognizers.base import FrenchPatternRecognizer

_S = r"[ .\-]?"
# The key is sometimes set apart: "1 85 05 78 006 084 - 36", "... / 36".
_KEY_S = r"(?:\s?[-/]\s?|[ .\-]?)"
# Department and commune: 2 + 3 characters in mainland France (Corsica 2A/2B, 99 abroad
# followed by the country code), 3 + 2 digits overseas (971..976).
_PLACE = rf"(?:(?:\d{{2}}|2[AB]){_S}\d{{3}}|97[1-6]{_S}\d{{2}})"


class FrNirRecognizer(FrenchPatternRecognizer):
    """FR_NIR: 15 characters (sex, year, month, department, commune, order, key)."""

    ENTITY = "FR_NIR"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern(
            "NIR with key",
            rf"(?<![\w])[1-478]{_S}\d{{2}}{_S}\d{{2}}{_S}{_PLACE}{_S}\d{{3}}{_KEY_S}\d{{2}}(?![\w])",
            0.5,
        ),
    ]
    CONTEXT = [
        "securite sociale",
        "secu",
        "nir",
        "carte vitale",
        "assure",
        "immatriculation",
        "insee",
    ]

    def validate_result(self, pattern_text: str) -> bool:
        """Check the 97-modulus key with python-stdnum."""
        return nir.is_valid(re.sub(r"[^0-9AB]", "", pattern_text.upper()))
