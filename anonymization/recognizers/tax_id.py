"""Numéro fiscal (SPI) of the French tax administration."""

from presidio_analyzer import Pattern
from stdnum.fr import nif

from anonymization.recognizers.base import FrenchPatternRecognizer


class FrTaxIdRecognizer(FrenchPatternRecognizer):
    """FR_TAX_ID: 13 digits starting with 0-3, often written 30 23 217 600 053."""

    ENTITY = "FR_TAX_ID"
    NEEDS_DIGIT = True
    PATTERNS = [Pattern("numero fiscal", r"(?<![\w])[0-3](?:[ .]?\d){12}(?![ .]?\d)", 0.3)]
    CONTEXT = ["fiscal", "spi", "impot", "impots", "avis d'imposition", "declaration", "nif"]

    def validate_result(self, pattern_text: str) -> bool:
        """Check the 3-digit key with python-stdnum."""
        return nif.is_valid(pattern_text.replace(".", ""))
