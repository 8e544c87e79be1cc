"""Table tests per recognizer: valid forms, wrong check digits, near misses."""

import pytest

pytestmark = pytest.mark.unit

# (text, expected entity type, expected value or None when nothing must be found)
CASES = {
    "FR_NIR": [
        ("mon numéro de sécu 2 69 05 49 588 157 80", "2 69 05 49 588 157 80"),
        ("nir 269054958815780", "269054958815780"),
        ("sécu 1 89 12 2A 123 456 46", "1 89 12 2A 123 456 46"),
        # A wrong key is most often a typo in one's own number: still redacted (policy.yml).
        ("nir 2 69 05 49 588 157 81", "2 69 05 49 588 157 81"),
        ("2 69 05 49 588 157 81 c'est bien ça ?", "2 69 05 49 588 157 81"),
        ("nir 5 69 05 49 588 157 80", None),  # no such sex digit
    ],
    "PHONE_NUMBER": [
        ("tel 06 12 34 56 78", "06 12 34 56 78"),
        ("tel 0612345678", "0612345678"),
        ("tel 06.12.34.56.78", "06.12.34.56.78"),
        ("tel 06-12-34-56-78", "06-12-34-56-78"),
        ("tel +33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("tel +33612345678", "+33612345678"),
        ("tel 0033612345678", "0033612345678"),
        ("tel +33 (0)6 12 34 56 78", "+33 (0)6 12 34 56 78"),
        ("tel 0692 12 34 56", "0692 12 34 56"),
        ("tel +262 692 12 34 56", "+262 692 12 34 56"),
        ("appelez le 39 39", None),
        ("tel 00 12 34 56 78", None),
    ],
    "EMAIL_ADDRESS": [
        ("mail prenom.nom@orange.fr svp", "prenom.nom@orange.fr"),
        ("écrire à jean_dupont85@laposte.net", "jean_dupont85@laposte.net"),
        ("adresse nom@machine.invalidtld", None),
    ],
    "IBAN_CODE": [
        ("iban FR76 3000 6000 0112 3456 7890 189 merci", "FR76 3000 6000 0112 3456 7890 189"),
        ("iban FR7630006000011234567890189", "FR7630006000011234567890189"),
        ("iban fr76 3000 6000 0112 3456 7890 189", "fr76 3000 6000 0112 3456 7890 189"),
        ("iban FR76 3000 6000 0112 3456 7890 188", "FR76 3000 6000 0112 3456 7890 188"),
    ],
    "FR_SIREN": [
        ("siren 732 829 320", "732 829 320"),
        ("siren 732829320", "732829320"),
        ("siren 732 829 321", None),
    ],
    "FR_SIRET": [
        ("siret 732 829 320 00074", "732 829 320 00074"),
        ("siret 73282932000074", "73282932000074"),
        ("siret 73282932000075", None),
    ],
    "FR_TAX_ID": [
        ("numéro fiscal 30 23 217 600 053", "30 23 217 600 053"),
        ("spi 3023217600053", "3023217600053"),
        ("spi 3023217600054", "3023217600054"),  # wrong key, next to a telltale word
        ("j'ai payé 3023217600054 fois", None),  # wrong key, nothing else: not a tax number
    ],
    "FR_CAF_ID": [
        ("mon numéro allocataire CAF est 1234567", "1234567"),
        ("num alloc 0012345", "0012345"),
        ("j'ai 1234567 raisons", None),
    ],
    "FR_FRANCE_TRAVAIL_ID": [
        ("identifiant France Travail 1234567A", "1234567A"),
        ("mon identifiant pole emploi : 12345678", "12345678"),
        ("code 1234567A", None),
    ],
    "FR_PASSPORT": [
        ("passeport 18AV12345", "18AV12345"),
        ("mon passeport n° 07CJ45678 expire", "07CJ45678"),
        ("réf 18AV1234", None),
    ],
    "FR_ID_CARD": [
        ("carte d'identité 880692310285", "880692310285"),
        ("CNI : X4RTBPFW4", "X4RTBPFW4"),
        ("commande 880692310285", None),
    ],
    "LICENSE_PLATE": [
        ("plaque AB-123-CD", "AB-123-CD"),
        ("immatriculée ab123cd", "ab123cd"),
        ("voiture 123 ABC 75", "123 ABC 75"),
        ("plaque AI-123-CD", None),  # I is not used on SIV plates
    ],
    "STREET_ADDRESS": [
        ("j'habite 12 bis avenue Jean Jaurès depuis", "12 bis avenue Jean Jaurès"),
        ("3, rue des Lilas 69003 Lyon", "3, rue des Lilas 69003 Lyon"),
        ("adresse : 4 impasse de la gare", "4 impasse de la gare"),
        ("j'ai 3 cours de maths", None),
        ("j'habite à Lyon", None),
    ],
    "DATE_OF_BIRTH": [
        ("je suis née le 3 mars 1985", "3 mars 1985"),
        ("date de naissance : 12/03/1985", "12/03/1985"),
        ("né le 1er février 1990 à Lyon", "1er février 1990"),
        ("né le 31/02/1985", None),  # 31 February does not exist
        ("à envoyer avant le 31 mai 2025", None),
    ],
    "PERSON": [
        ("je m'appelle marie lemoine", "marie lemoine"),
        ("Bonjour, je suis Marie Dupont", "Marie Dupont"),
        ("Mme LEFEVRE a appelé", "LEFEVRE"),  # the title is kept for analytics
        ("moi c'est jean-pierre de la tour", "jean-pierre de la tour"),
        ("signé : Paul Durand", "Paul Durand"),
        ("je suis perdu avec la caf", None),
        ("je suis en retard", None),
        ("je suis au chômage", None),
        ("merci monsieur pour votre aide", None),
    ],
    "CREDIT_CARD": [
        ("carte 4970 1012 3456 7893", "4970 1012 3456 7893"),
        ("carte 4970 1012 3456 7890", None),
    ],
    "IP_ADDRESS": [
        ("mon ip 192.168.1.12", "192.168.1.12"),
        ("version 1.2.3", None),
    ],
}


@pytest.mark.parametrize(
    "entity, text, value",
    [(entity, text, value) for entity, rows in CASES.items() for text, value in rows],
)
def test_recognizer_table(redactor, entity, text, value):
    found = [text[f.start : f.end] for f in redactor.analyze(text) if f.entity_type == entity]
    assert found == ([value] if value else [])


@pytest.mark.parametrize(
    "text",
    [
        "Combien coûte un passeport ?",
        "La CAF m'a versé 86 € ce mois-ci",
        "il faut le cerfa n°12100*03",
        "voir l'article L. 262-2 du code",
        "Allô Service Public, c'est le 39 39 ?",
        "le 3919 est ouvert la nuit",
        "Je dois envoyer mon dossier avant le 31 mai",
        "J'habite à Lyon, où est la France Services ?",
        "Comment activer FranceConnect et ma Carte Vitale ?",
        "mon espace impots.gouv et ameli sont bloqués, service-public.fr aussi",
        "France Travail et l'ANTS, France Titres",
    ],
)
def test_hard_negatives_survive(redactor, text):
    assert redactor.redact(text).text == text
