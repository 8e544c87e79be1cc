"""French social security number (NIR), including Corsica (2A/2B)."""

from presidio_analyzer import Pattern
from stdnum.fr import nir

from anonymization.recognizers.base import FrenchPatternRecognizer

_S = r"[ .\-]?"


class FrNirRecognizer(FrenchPatternRecognizer):
    """FR_NIR: 15 characters (sex, year, month, department, commune, order, key)."""

    ENTITY = "FR_NIR"
    PATTERNS = [
        Pattern(
            "NIR with key",
            rf"(?<![\w])[1-478]{_S}\d{{2}}{_S}\d{{2}}{_S}(?:\d{{2}}|2[AB]){_S}\d{{3}}{_S}\d{{3}}"
            rf"{_S}\d{{2}}(?![\w])",
            0.5,
        ),
    ]
    CONTEXT = ["securite sociale", "secu", "nir", "carte vitale", "assure", "immatriculation"]

    def validate_result(self, pattern_text: str) -> bool:
        """Check the 97-modulus key with python-stdnum."""
        return nir.is_valid(pattern_text.replace(".", ""))
