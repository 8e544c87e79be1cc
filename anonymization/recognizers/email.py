"""E-mail addresses, with an offline public-suffix check."""

from presidio_analyzer import Pattern

from anonymization.offline import offline_tldextract
from anonymization.recognizers.base import FrenchPatternRecognizer


class FrEmailRecognizer(FrenchPatternRecognizer):
    """EMAIL_ADDRESS: prenom.nom@orange.fr."""

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [
        Pattern(
            "e-mail",
            r"(?<![\w.+-])[\w.+-]*\w@\w[\w-]*(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])",
            0.5,
        ),
    ]
    CONTEXT = ["mail", "courriel", "adresse electronique"]

    def validate_result(self, pattern_text: str) -> bool:
        """The domain must end with a known public suffix (bundled list, no network)."""
        return offline_tldextract()(pattern_text.rsplit("@", 1)[1]).suffix != ""
