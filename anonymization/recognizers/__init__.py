"""Guichet's French recognizers, one Presidio-style class per module."""

from anonymization.recognizers.base import FrenchPatternRecognizer
from anonymization.recognizers.caf import FrCafIdRecognizer
from anonymization.recognizers.credit_card import FrCreditCardRecognizer
from anonymization.recognizers.date_of_birth import DateOfBirthRecognizer
from anonymization.recognizers.email import FrEmailRecognizer
from anonymization.recognizers.france_travail import FrFranceTravailIdRecognizer
from anonymization.recognizers.iban import FrIbanRecognizer
from anonymization.recognizers.id_card import FrIdCardRecognizer
from anonymization.recognizers.ip_address import FrIpRecognizer
from anonymization.recognizers.license_plate import LicensePlateRecognizer
from anonymization.recognizers.nir import FrNirRecognizer
from anonymization.recognizers.passport import FrPassportRecognizer
from anonymization.recognizers.person_cue import PersonCueRecognizer
from anonymization.recognizers.person_first_name import PersonFirstNameRecognizer
from anonymization.recognizers.person_ner import LABEL_TO_ENTITY, SpacyNerRecognizer
from anonymization.recognizers.phone import FrPhoneRecognizer
from anonymization.recognizers.siren import FrSirenRecognizer
from anonymization.recognizers.siret import FrSiretRecognizer
from anonymization.recognizers.street_address import StreetAddressRecognizer
from anonymization.recognizers.tax_id import FrTaxIdRecognizer

PATTERN_RECOGNIZERS = (
    FrNirRecognizer,
    FrPhoneRecognizer,
    FrEmailRecognizer,
    FrIbanRecognizer,
    FrSirenRecognizer,
    FrSiretRecognizer,
    FrTaxIdRecognizer,
    FrCafIdRecognizer,
    FrFranceTravailIdRecognizer,
    FrPassportRecognizer,
    FrIdCardRecognizer,
    LicensePlateRecognizer,
    StreetAddressRecognizer,
    DateOfBirthRecognizer,
    PersonCueRecognizer,
    PersonFirstNameRecognizer,
    FrCreditCardRecognizer,
    FrIpRecognizer,
)


def entity_types() -> set[str]:
    """Every entity type a policy may name: the pattern recognizers' and spaCy's."""
    return {cls.ENTITY for cls in PATTERN_RECOGNIZERS} | set(LABEL_TO_ENTITY.values())


def pattern_recognizers(entities, redact_wrong_check_digits=()):
    """Instantiate the pattern recognizers producing one of `entities`; those producing one
    of `redact_wrong_check_digits` keep matches whose check digit is wrong."""
    return [
        cls(redact_wrong_check_digit=cls.ENTITY in redact_wrong_check_digits)  # type: ignore[call-arg]
        if issubclass(cls, FrenchPatternRecognizer)
        else cls()
        for cls in PATTERN_RECOGNIZERS
        if cls.ENTITY in entities
    ]


__all__ = [
    "LABEL_TO_ENTITY",
    "PATTERN_RECOGNIZERS",
    "SpacyNerRecognizer",
    "entity_types",
    "pattern_recognizers",
]
