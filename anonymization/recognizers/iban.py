"""International bank account numbers, typed with or without spaces."""

from presidio_analyzer import Pattern
from stdnum import iban

from anonymization.recognizers.base import FrenchPatternRecognizer


class FrIbanRecognizer(FrenchPatternRecognizer):
    """IBAN_CODE: FR76 3000 6000 0112 3456 7890 189 (ISO 13616 mod 97)."""

    ENTITY = "IBAN_CODE"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern(
            "IBAN",
            # Every 4-character group holds a digit, so a following word is not swallowed.
            r"(?<![\w])[A-Z]{2}\d{2}(?:[ -]?(?=[A-Z]{0,3}\d)[A-Z0-9]{4}){2,7}"
            r"(?:[ -]?\d{1,3})?(?![\w])",
            0.5,
        ),
    ]
    CONTEXT = ["iban", "rib", "compte", "virement", "banque"]

    def validate_result(self, pattern_text: str) -> bool:
        """Check the mod-97 digits and the country format with python-stdnum."""
        return iban.is_valid(pattern_text)
