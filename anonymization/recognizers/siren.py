"""SIREN company numbers."""

from presidio_analyzer import Pattern
from stdnum.fr import siren

from anonymization.recognizers.base import FrenchPatternRecognizer


class FrSirenRecognizer(FrenchPatternRecognizer):
    """FR_SIREN: 732 829 320 (Luhn)."""

    ENTITY = "FR_SIREN"
    NEEDS_DIGIT = True
    PATTERNS = [Pattern("SIREN", r"(?<![\w])\d{3}[ .]?\d{3}[ .]?\d{3}(?![ .]?\d)", 0.3)]
    CONTEXT = ["siren", "entreprise", "societe", "auto-entrepreneur", "micro-entreprise"]

    def validate_result(self, pattern_text: str) -> bool:
        """Check the Luhn digit with python-stdnum."""
        return siren.is_valid(pattern_text.replace(".", ""))
