"""IP addresses (Presidio's validated recognizer with French context)."""

from presidio_analyzer.predefined_recognizers import IpRecognizer


class FrIpRecognizer(IpRecognizer):
    """IP_ADDRESS: IPv4 and IPv6."""

    ENTITY = "IP_ADDRESS"
    CONTEXT = ["ip", "adresse ip", "box", "connexion"]

    def __init__(self):
        super().__init__(context=self.CONTEXT, supported_language="fr")
