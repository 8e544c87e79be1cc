"""CAF allocataire numbers (recognised by context only: no check digit)."""

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer


class FrCafIdRecognizer(FrenchPatternRecognizer):
    """FR_CAF_ID: 7-digit allocataire (or dossier) number next to "CAF", "allocataire",
    "alloc", a benefit the CAF pays, or the caisse's full name heading a letter.

    The digits may be grouped as people copy them ("123 4567", "12 34 567", "1.234.567"),
    but not as a piece of a longer grouped number (a phone number); they may also be glued
    to "CAF" or "MSA" ("CAF1234567").
    """

    ENTITY = "FR_CAF_ID"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("allocataire", r"(?<![\w])(?<!\d[ .-])\d(?:[ .-]?\d){6}(?![\w])(?![ .-]\d)", 0.2),
        Pattern("glued to its cue", r"(?<![\w])(?:caf|msa)(?P<value>\d{7})(?![\w])", 0.2),
    ]
    CONTEXT = [
        "caf",
        "allocataire",
        "alloc",
        "msa",
        "dossier",
        "matricule",
        "apl",
        "rsa",
        "aah",
        "paje",
        "prime d'activite",
        "aide au logement",
    ]
    CONTEXT_BOOST = 0.5
    # "Caisse d'Allocations Familiales de la Haute-Garonne - Numéro : ..." heads a letter.
    CONTEXT_BEFORE = 80
