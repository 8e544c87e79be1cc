"""CAF allocataire numbers (recognised by context only: no check digit)."""

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer

# Seven digits, grouped as people copy them ("123 4567", "12 34 567", "1.234.567").
_SEVEN_DIGITS = r"\d(?:[ .-]?\d){6}"
# An item of a list-like message ("Léa Martin ; 4817305 ; 06 ..."), between list separators
# or a separator and the line's edge.
_ITEM = (
    r"(?:(?<=[;|\t•])|(?<=[;|,/•] )|(?<=[-–—] )|(?m:^))[ \t]*"
    rf"(?P<value>{_SEVEN_DIGITS})[ \t]*(?=[;|\t•]|[,/] |[-–—] |(?m:$))"
)


class FrCafIdRecognizer(FrenchPatternRecognizer):
    """FR_CAF_ID: 7-digit allocataire (or dossier) number next to "CAF", "allocataire",
    "alloc", a benefit the CAF pays, or the caisse's full name heading a letter; or standing
    alone as an item of a list of personal data.

    The digits may be grouped, but not as a piece of a longer grouped number (a phone
    number); they may be glued to "CAF" or "MSA" ("CAF1234567").
    """

    ENTITY = "FR_CAF_ID"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern("allocataire", rf"(?<![\w])(?<!\d[ .-]){_SEVEN_DIGITS}(?![\w])(?![ .-]\d)", 0.2),
        Pattern("glued to its cue", r"(?<![\w])(?:caf|msa)(?P<value>\d{7})(?![\w])", 0.2),
        Pattern("list item", _ITEM, 0.5),
    ]
    GUARDS = {"list item": r"[;|\t•]|[,/–—-] "}
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

    def invalidate_match(self, pattern: Pattern, text: str, start: int, end: int) -> bool:
        """A number alone on its line is no list item: a separator must stand on one side."""
        if pattern.name != "list item":
            return False
        before = text[:start].rsplit("\n", 1)[-1]
        after = text[end:].split("\n", 1)[0]
        return not (before.strip() or after.strip())
