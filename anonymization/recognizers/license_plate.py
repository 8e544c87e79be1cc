"""French vehicle registration plates, current (SIV) and former (FNI) formats."""

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer

# SIV letters exclude I, O and U.
_L = "[A-HJ-NP-TV-Z]"


class LicensePlateRecognizer(FrenchPatternRecognizer):
    """LICENSE_PLATE: AB-123-CD (SIV) and 123 ABC 75 (FNI, upper case only)."""

    ENTITY = "LICENSE_PLATE"
    NEEDS_DIGIT = True
    PATTERNS = [
        # Upper case, or lower case with dashes or none: "le 115 ne" is not a plate.
        Pattern(
            "SIV",
            rf"(?<![\w])(?:(?-i:{_L}{{2}}[- ]?\d{{3}}[- ]?{_L}{{2}})"
            rf"|{_L}{{2}}(?P<dash>-?)\d{{3}}(?P=dash){_L}{{2}})(?![\w])",
            0.5,
        ),
        # Lower case with spaces ("nt 658 jv") only next to a context word.
        Pattern("SIV lower case", rf"(?<![\w]){_L}{{2}} \d{{3}} {_L}{{2}}(?![\w])", 0.2),
        Pattern(
            "FNI",
            r"(?<![\w])\d{1,4}[- ]?(?-i:[A-Z]{2,3})[- ]?(?:\d{2}|2[AB]|97\d)(?![\w])",
            0.4,
        ),
    ]
    CONTEXT = ["plaque", "immatriculation", "immatricule", "vehicule", "voiture", "carte grise"]
