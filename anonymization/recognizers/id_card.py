"""French national identity card numbers, old (12 digits) and new (9 characters)."""

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer


class FrIdCardRecognizer(FrenchPatternRecognizer):
    """FR_ID_CARD: near "carte d'identité" or "CNI"; no check digit is typed by users."""

    ENTITY = "FR_ID_CARD"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("old CNI", r"(?<![\w])\d{4}\s?\d{3}\s?\d{5}(?![\w])|(?<![\w])\d{12}(?![\w])", 0.2),
        Pattern(
            "new CNI", r"(?<![\w])(?=[A-Z0-9]{0,8}\d)(?=[A-Z0-9]{0,8}[A-Z])[A-Z0-9]{9}(?![\w])", 0.2
        ),
    ]
    CONTEXT = [
        "carte d'identite",
        "carte identite",
        "carte nationale",
        "cni",
        "piece d'identite",
        "titre d'identite",
    ]
    CONTEXT_BOOST = 0.5
