"""Table tests for the leak kinds of issue #14: each row is a form, not a corpus item.

(text, entity type, expected redacted value, or None when that type must not be found)
"""

import pytest

pytestmark = pytest.mark.unit

LEAK_KINDS = {
    # 1. French-shaped numbers in ranges not allocated today, in every written form.
    "unallocated phone": [
        ("rappelez-moi au 07 01 23 45 67", "PHONE_NUMBER", "07 01 23 45 67"),
        ("mon numéro 0721.45.67.89 svp", "PHONE_NUMBER", "0721.45.67.89"),
        ("tel 07-25-10-20-30", "PHONE_NUMBER", "07-25-10-20-30"),
        ("nouveau numéro 0702030405", "PHONE_NUMBER", "0702030405"),
        ("joignable au +33701234567", "PHONE_NUMBER", "+33701234567"),
        ("portable +33 7 24 11 22 33", "PHONE_NUMBER", "+33 7 24 11 22 33"),
        ("fixe +33 (0)4 00 12 34 56", "PHONE_NUMBER", "+33 (0)4 00 12 34 56"),
        ("appelez 0033 7 20 00 11 22", "PHONE_NUMBER", "0033 7 20 00 11 22"),
        ("tel 04 00 98 76 54", "PHONE_NUMBER", "04 00 98 76 54"),
    ],
    # 2. NIR born overseas (97x + 2-digit commune), in Corsica, abroad (99), typed groupings.
    "NIR overseas, Corsica, abroad": [
        ("nir 2 87 05 971 12 345 63", "FR_NIR", "2 87 05 971 12 345 63"),
        ("sécu 1.85.04.976.02.123.73", "FR_NIR", "1.85.04.976.02.123.73"),
        ("n° 1-85-04-976-02-123-73 ok", "FR_NIR", "1-85-04-976-02-123-73"),
        ("secu 185049760212373", "FR_NIR", "185049760212373"),
        ("NIR : 1 92 05 99 350 123 - 74", "FR_NIR", "1 92 05 99 350 123 - 74"),
        ("mon nir 1920599350123 74", "FR_NIR", "1920599350123 74"),
        ("né à Bastia, nir 1 90 11 2B 033 123 34", "FR_NIR", "1 90 11 2B 033 123 34"),
        ("N° INSEE 2 76 01 973 05 678 41", "FR_NIR", "2 76 01 973 05 678 41"),
    ],
    # 3. Names.
    "names opening a list": [
        (
            "Romane Lachaud - romane.l@example.fr - téléphone : 06 11 22 33 44",
            "PERSON",
            "Romane Lachaud",
        ),
        ("Gaspard Villiers ; 06 11 22 33 44", "PERSON", "Gaspard Villiers"),
        ("• Yvette Marchadier | 01 44 55 66 77", "PERSON", "Yvette Marchadier"),
        ("Original Message --------", "PERSON", None),
    ],
    "hyphenated first names": [
        ("ma fille Lou-Anne a perdu sa carte", "PERSON", "Lou-Anne"),
        ("bonjour, ici paul-henri gastaud", "PERSON", "paul-henri gastaud"),
        ("Marie-Galante est en Guadeloupe ?", "PERSON", None),
    ],
    "titles and professions": [
        ("rendez-vous chez Me Fauvel lundi", "PERSON", "Fauvel"),
        ("Maître Quesnel s'occupe du dossier", "PERSON", "Quesnel"),
        ("le Professeur Ardouin me suit", "PERSON", "Ardouin"),
        ("le Pr Ardouin me suit", "PERSON", "Ardouin"),
        ("vu par le Dr Lemerle hier", "PERSON", "Lemerle"),
        ("le chef de service Hautecoeur refuse", "PERSON", "Hautecoeur"),
        ("pr mon fils, comment faire ?", "PERSON", None),
        ("il me faut une attestation", "PERSON", None),
    ],
    "initial and surname": [
        ("c'est J. L'Estrange qui a signé", "PERSON", "J. L'Estrange"),
        ("réponse de P.-A. Vauquelin", "PERSON", "P.-A. Vauquelin"),
        ("signé A. De Sousa", "PERSON", "A. De Sousa"),
    ],
    "surnames in capitals": [
        ("Nom/Prénom : LE BORGNE Tanguy", "PERSON", "LE BORGNE Tanguy"),
        ("mon nom c CHASSAGNE", "PERSON", "CHASSAGNE"),
        ("Nom d'usage : VERDIER", "PERSON", "VERDIER"),
    ],
    "birth names": [
        ("ma mère, née Kerjean, est veuve", "PERSON", "Kerjean"),
        ("NEE PLOUZANE", "PERSON", "PLOUZANE"),
        ("je suis née le 3 mars", "PERSON", None),
        ("il est né à Brest", "PERSON", None),
        ("JE NE TROUVE PAS MON DOSSIER", "PERSON", None),
        ("JE SUIS FRANCAISE ET JE VIS A LYON", "PERSON", None),
    ],
    # 4. Dates of birth after abbreviations, and listed after a name.
    "dates of birth": [
        ("DN : 14/03/1971", "DATE_OF_BIRTH", "14/03/1971"),
        ("ddn 02.11.1984 merci", "DATE_OF_BIRTH", "02.11.1984"),
        ("mon père (DN 05/06/1939) est en EHPAD", "DATE_OF_BIRTH", "05/06/1939"),
        ("né(e) le 9 juin 1990", "DATE_OF_BIRTH", "9 juin 1990"),
        ("Octave Bernier ; 21/09/1966 ; Brest", "DATE_OF_BIRTH", "21/09/1966"),
        ("le rendez-vous est le 12/06/2025", "DATE_OF_BIRTH", None),
        ("Mardi, 12/03/2024 à 14h", "DATE_OF_BIRTH", None),
    ],
    # 5. Addresses with a comma between the number and bis/ter, and building complements.
    "addresses": [
        (
            "au 20, bis rue des Orfèvres 44000 Nantes",
            "STREET_ADDRESS",
            "20, bis rue des Orfèvres 44000 Nantes",
        ),
        ("j'habite 7, ter avenue Fontvieille", "STREET_ADDRESS", "7, ter avenue Fontvieille"),
        (
            "adresse : 5 résidence les Aulnes, bâtiment C 13090 Aix",
            "STREET_ADDRESS",
            "5 résidence les Aulnes, bâtiment C 13090 Aix",
        ),
    ],
    # 6. False positives: ordinary capitalised words, labels, places.
    "not names": [
        ("Veuillez agréer, Madame, Monsieur, mes salutations.", "PERSON", None),
        ("Livraison prévue demain ?", "PERSON", None),
        ("Titulaire : voir le RIB", "PERSON", None),
        ("Saint-Martin et Saint-Barthélemy, même régime ?", "PERSON", None),
        ("Merci Guichet !", "PERSON", None),
        ("Je rentre de Dakar demain.", "PERSON", None),
        ("Le 115 ne répond pas", "LICENSE_PLATE", None),
    ],
}

ROWS = [
    pytest.param(text, entity, value, id=f"{kind}: {text[:40]}")
    for kind, rows in LEAK_KINDS.items()
    for text, entity, value in rows
]


@pytest.mark.parametrize("text, entity, value", ROWS)
def test_leak_kind(redactor, text, entity, value):
    found = [text[f.start : f.end] for f in redactor.analyze(text) if f.entity_type == entity]
    assert found == ([value] if value else [])


@pytest.mark.parametrize(
    "text",
    [
        "Allô Service Public : 39 39, l'Assurance maladie : 36 46, la CAF : 32 30",
        "les impôts au 0 809 401 401, France Travail au 39 49",
        "Le passeport coûte 86 €, la démarche est sur l'ANTS depuis le 12 mars 2024",
        "Le CHU et l'EHPAD de la ville, la MDPH et le CCAS",
    ],
)
def test_must_keep_phrases_survive(redactor, text):
    assert redactor.redact(text).text == text


def test_overlapping_findings_keep_their_own_type(redactor):
    text = "From: Anselme Dutertre anselme.dutertre@example.org"
    kinds = {(f.entity_type, text[f.start : f.end]) for f in redactor.analyze(text)}
    assert ("EMAIL_ADDRESS", "anselme.dutertre@example.org") in kinds
    assert any(kind == "PERSON" and "Dutertre" in value for kind, value in kinds)
