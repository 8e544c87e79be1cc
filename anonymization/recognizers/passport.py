"""French passport numbers."""

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer


class FrPassportRecognizer(FrenchPatternRecognizer):
    """FR_PASSPORT: 2 digits, 2 letters, 5 digits (18AV12345)."""

    ENTITY = "FR_PASSPORT"
    NEEDS_DIGIT = True
    PATTERNS = [Pattern("passport", r"(?<![\w])\d{2}\s?[A-Z]{2}\s?\d{5}(?![\w])", 0.5)]
    CONTEXT = ["passeport", "passport"]
