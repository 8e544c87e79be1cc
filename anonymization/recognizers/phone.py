"""French phone numbers, metropolitan and overseas, in all usual written forms."""

import phonenumbers
from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer

_S = r"[ .\-/]?"
# Country codes of France and its overseas departments and territories.
_COUNTRY = r"(?:33|262|269|508|590|594|596|681|687|689)"
_OVERSEAS_REGIONS = ("RE", "YT", "GP", "MQ", "GF", "PM", "NC", "PF", "WF")


class FrPhoneRecognizer(FrenchPatternRecognizer):
    """PHONE_NUMBER: 06 12 34 56 78, 0612345678, +33 6 12..., 0033 6..., 0692..., +262 692..."""

    ENTITY = "PHONE_NUMBER"
    NEEDS_DIGIT = True
    PATTERNS = [
        Pattern(
            "international",
            rf"(?<![\w+])(?:\+|00)\s?{_COUNTRY}\s?(?:\(0\)\s?)?[1-9](?:{_S}\d{{2}}){{4}}(?![\w])",
            0.5,
        ),
        Pattern("national", rf"(?<![\w+])0[1-9](?:{_S}\d{{2}}){{4}}(?![\w])", 0.5),
    ]
    CONTEXT = ["tel", "telephone", "portable", "mobile", "numero", "joindre", "appeler"]

    def validate_result(self, pattern_text: str) -> bool | None:
        """True when valid for the French numbering plan or an overseas one.

        Every match has the shape of a French number (nine digits after the 0 or the
        country code), so one in a range that is not allocated today (070x, 072x, some
        04xx...) is still someone's number, mistyped or new: None keeps it, scored on
        its shape and context instead of dropped.
        """
        for region in ("FR",) + _OVERSEAS_REGIONS:
            try:
                number = phonenumbers.parse(pattern_text, region)
            except phonenumbers.NumberParseException:
                return None
            if phonenumbers.is_valid_number(number):
                return True
            if pattern_text.lstrip().startswith(("+", "00")):
                return None
        return None
