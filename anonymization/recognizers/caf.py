"""CAF allocataire numbers (recognised by context only: no check digit)."""

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer


class FrCafIdRecognizer(FrenchPatternRecognizer):
    """FR_CAF_ID: 7-digit allocataire number next to "CAF", "allocataire", "alloc"."""

    ENTITY = "FR_CAF_ID"
    NEEDS_DIGIT = True
    PATTERNS = [Pattern("allocataire", r"(?<![\w])\d{7}(?![\w])|(?<![\w])\d{3} \d{4}(?![\w])", 0.2)]
    CONTEXT = ["caf", "allocataire", "alloc", "msa", "dossier", "matricule"]
    CONTEXT_BOOST = 0.5
