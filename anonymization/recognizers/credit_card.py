"""Payment card numbers (Presidio's Luhn-checked recognizer with French context)."""

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer


class FrCreditCardRecognizer(CreditCardRecognizer):
    """CREDIT_CARD: 16-digit Visa/Mastercard/CB and 15-digit Amex numbers, Luhn-validated.

    Presidio's 14-digit forms are left out: in France they collide with SIRET numbers.
    """

    ENTITY = "CREDIT_CARD"
    PATTERNS = [
        Pattern("16 digits", r"(?<![\w])[2-6]\d{3}(?:[ -]?\d{4}){3}(?![\w])", 0.3),
        Pattern("Amex", r"(?<![\w])3[47]\d{2}[ -]?\d{6}[ -]?\d{5}(?![\w])", 0.3),
    ]
    CONTEXT = ["carte bancaire", "carte bleue", "cb", "visa", "mastercard", "paiement"]

    def __init__(self):
        super().__init__(patterns=self.PATTERNS, context=self.CONTEXT, supported_language="fr")
