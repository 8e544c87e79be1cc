"""France Travail (ex Pôle emploi) job-seeker identifiers (context only)."""

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer


class FrFranceTravailIdRecognizer(FrenchPatternRecognizer):
    """FR_FRANCE_TRAVAIL_ID: 7 digits and a letter or digit (1234567A) near "France Travail"."""

    ENTITY = "FR_FRANCE_TRAVAIL_ID"
    NEEDS_DIGIT = True
    PATTERNS = [Pattern("identifiant", r"(?<![\w])\d{7}[A-Z0-9](?![\w])", 0.2)]
    CONTEXT = [
        "france travail",
        "pole emploi",
        "identifiant",
        "demandeur d'emploi",
        "inscription",
    ]
    CONTEXT_BOOST = 0.5
