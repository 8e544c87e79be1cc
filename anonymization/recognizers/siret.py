"""SIRET establishment numbers."""

from presidio_analyzer import Pattern
from stdnum.fr import siret

from anonymization.recognizers.base import FrenchPatternRecognizer


class FrSiretRecognizer(FrenchPatternRecognizer):
    """FR_SIRET: 732 829 320 00074 (Luhn, with the La Poste exception)."""

    ENTITY = "FR_SIRET"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("SIRET", r"(?<![\w])\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{2}[ .]?\d{3}(?![ .]?\d)", 0.3),
    ]
    CONTEXT = ["siret", "entreprise", "etablissement", "auto-entrepreneur", "micro-entreprise"]

    def validate_result(self, pattern_text: str) -> bool:
        """Check the Luhn digit with python-stdnum."""
        return siret.is_valid(pattern_text.replace(".", ""))
