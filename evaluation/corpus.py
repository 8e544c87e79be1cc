"""Generate the labelled French redaction corpus (tests/data/redaction_corpus.jsonl).

    python -m evaluation.corpus [--seed 20240601] [--size 1200] [--out PATH]

Messages come from varied templates filled with Faker fr_FR values and
python-stdnum check digits, then roughened (lower case, no accents, SMS words).
Each line: {"text", "entities": [{"type", "start", "end"}], "must_keep": [...]}.
"""

import argparse
import json
import random
import re
import string
from pathlib import Path

import phonenumbers
from faker import Faker
from stdnum import iban, luhn
from stdnum.fr import nif, nir

from anonymization.text import MONTHS

DEFAULT_PATH = Path("tests/data/redaction_corpus.jsonl")
SLOT = re.compile(r"\{(\w+)\}|\[\[(.+?)\]\]")

# Templates with personal data. {TYPE} is an entity, [[...]] a phrase that must survive.
POSITIVE = [
    "Bonjour, je m'appelle {PERSON} et je voudrais renouveler ma [[carte Vitale]].",
    "bonjour je mappelle {PERSON} jai perdu mon passeport",
    "Moi c'est {FIRST}, je vous écris pour la [[prime d'activité]].",
    "Ici {PERSON}, mon numéro est le {PHONE_NUMBER}, rappelez-moi svp",
    "Vous pouvez me joindre au {PHONE_NUMBER} après 18h.",
    "tel : {PHONE_NUMBER}",
    "mon portable c {PHONE_NUMBER} merci",
    "Rappelez moi au {PHONE_NUMBER} ou au {PHONE_NUMBER}",
    "Mon adresse mail est {EMAIL_ADDRESS}",
    "écrivez moi sur {EMAIL_ADDRESS} svp",
    "{EMAIL_ADDRESS} c'est mon courriel pour [[FranceConnect]]",
    "mon numéro de sécu : {FR_NIR}",
    "Numéro de sécurité sociale {FR_NIR}, je n'ai pas reçu ma [[carte Vitale]]",
    "le nir de mon fils c'est {FR_NIR}",
    "Voici mon RIB : {IBAN_CODE}",
    "iban {IBAN_CODE} pour le versement des [[APL]]",
    "La [[CAF]] verse sur le compte {IBAN_CODE} ?",
    "Mon entreprise a le SIREN {FR_SIREN}, je suis auto-entrepreneur",
    "siret de ma micro entreprise: {FR_SIRET}",
    "Le SIRET {FR_SIRET} n'apparaît pas sur l'annuaire",
    "mon numero fiscal est {FR_TAX_ID}",
    "Sur mon avis d'impôt le numéro fiscal c'est {FR_TAX_ID}",
    "SPI {FR_TAX_ID} ; je n'arrive pas à me connecter à [[impots.gouv]]",
    "Mon numéro d'allocataire [[CAF]] est le {FR_CAF_ID}.",
    "num alloc {FR_CAF_ID} je touche plus les [[APL]] depuis 2 mois",
    "dossier caf {FR_CAF_ID}, ou en est ma demande ?",
    "Mon identifiant [[France Travail]] : {FR_FRANCE_TRAVAIL_ID}",
    "identifiant pole emploi {FR_FRANCE_TRAVAIL_ID} radié sans raison",
    "Mon passeport n° {FR_PASSPORT} expire bientôt",
    "passeport {FR_PASSPORT} perdu a l'étranger",
    "ma carte d'identité numéro {FR_ID_CARD} a été volée",
    "Numéro de CNI : {FR_ID_CARD}",
    "ma voiture immatriculée {LICENSE_PLATE} a été enlevée par la fourrière",
    "plaque {LICENSE_PLATE}, amende reçue par erreur",
    "Carte grise du véhicule {LICENSE_PLATE} : changement d'adresse",
    "J'habite {STREET_ADDRESS} depuis janvier.",
    "nouvelle adresse : {STREET_ADDRESS}",
    "je viens de déménager au {STREET_ADDRESS}",
    "Envoyez le courrier au {STREET_ADDRESS} svp",
    "je vis {STREET_ADDRESS} avec mes 2 enfants",
    "Je suis né le {DATE_OF_BIRTH} à [[Lyon]]",
    "née le {DATE_OF_BIRTH}, j'ai besoin d'un acte de naissance",
    "date de naissance : {DATE_OF_BIRTH}",
    "ddn {DATE_OF_BIRTH}",
    "Mon fils est né le {DATE_OF_BIRTH}, puis-je demander la [[PAJE]] ?",
    "j'ai payé avec la carte {CREDIT_CARD} et rien reçu",
    "numéro de carte bancaire {CREDIT_CARD}",
    "Mon adresse IP est {IP_ADDRESS}, le site [[ANTS]] me bloque",
    "connexion refusée depuis {IP_ADDRESS}",
    "Madame {LAST} m'a dit d'appeler le [[39 39]]",
    "J'ai eu M. {LAST} au téléphone hier",
    "Mme {LAST} de la [[CAF]] ne répond plus",
    "Signé : {PERSON}",
    "Cordialement, {PERSON}",
    "{PERSON}, {STREET_ADDRESS}, {PHONE_NUMBER}",
    "Je suis {PERSON} et j'habite {STREET_ADDRESS}",
    "slt jsuis {FIRST} jvoudrais savoir pr le [[RSA]]",
    "je m'appelle {PERSON}, ne le {DATE_OF_BIRTH}, nir {FR_NIR}",
    "c {PERSON} , mon tel {PHONE_NUMBER} , mail {EMAIL_ADDRESS}",
    "de la part de {PERSON} : mon [[RIB]] est {IBAN_CODE}",
    "Bonjour, {PERSON} à l'appareil, je cherche une [[France Services]] près de chez moi.",
    "mon mari {FIRST} a perdu son emploi, il est inscrit à [[France Travail]] "
    "sous le {FR_FRANCE_TRAVAIL_ID}",
    "Pour mon père {PERSON}, qui habite {STREET_ADDRESS}, comment faire l'[[APA]] ?",
    "Je m'appelle {PERSON}, mon numéro allocataire est {FR_CAF_ID} et mon tel {PHONE_NUMBER}",
    "Nom : {LAST} Prénom : {FIRST}",
    "mon nom c'est {LAST}",
    "{PERSON} ({EMAIL_ADDRESS})",
    "la demande est au nom de {PERSON}",
]

# Hard negatives: no personal data; {KEEP_*} slots and [[...]] phrases must survive.
NEGATIVE = [
    "Combien coûte un passeport ?",
    "je suis perdu avec la [[CAF]], qui peut m'aider ?",
    "Je suis en retard pour ma déclaration, c'est grave ?",
    "je suis au chômage depuis 3 mois, j'ai droit à quoi ?",
    "jsuis perdue svp aidez moi pour l'[[APL]]",
    "La [[CAF]] m'a versé {KEEP_AMOUNT} ce mois-ci, c'est normal ?",
    "Mon [[APL]] est passée de {KEEP_AMOUNT} à {KEEP_AMOUNT}",
    "Il faut remplir le [[{KEEP_CERFA}]] ?",
    "ou trouver le formulaire {KEEP_CERFA} ?",
    "Que dit l'{KEEP_ARTICLE} du code de l'action sociale ?",
    "c quoi l'{KEEP_ARTICLE} ?",
    "J'ai appelé le {KEEP_SERVICE} mais personne ne répond",
    "le {KEEP_SERVICE} c'est gratuit ?",
    "Je dois envoyer mon dossier avant le {KEEP_DEADLINE} ?",
    "date limite {KEEP_DEADLINE} pour la déclaration de revenus ?",
    "Le rdv en mairie est le {KEEP_DEADLINE}, je dois apporter quoi ?",
    "J'habite à {KEEP_CITY}, où est la [[France Services]] la plus proche ?",
    "y a une mairie annexe a {KEEP_CITY} ?",
    "je déménage de {KEEP_CITY} à {KEEP_CITY}, je dois prévenir qui ?",
    "Comment activer mon compte [[FranceConnect]] ?",
    "Je n'arrive pas à me connecter à [[ameli]]",
    "mon espace [[impots.gouv]] est bloqué",
    "sur [[service-public.fr]] ils disent qu'il faut un justificatif",
    "La [[Carte Vitale]] de mon fils n'est jamais arrivée",
    "Comment obtenir une [[carte Vitale]] pour mon enfant ?",
    "[[France Travail]] m'a radié, je fais quoi ?",
    "C'est quoi la différence entre [[ALF]] et [[ALS]] ?",
    "le [[RSA]] est versé quel jour ?",
    "Je veux faire une pré-demande sur le site de l'[[ANTS]]",
    "[[France Titres]] ne répond pas à mes mails",
    "Le numéro d'[[Allô Service Public]] c'est bien le [[39 39]] ?",
    "violences conjugales, j'ai besoin d'aide, le [[3919]] est ouvert la nuit ?",
    "combien de temps pour avoir un rdv pour la carte d'identité à {KEEP_CITY} ?",
    "mon [[IBAN]] a changé, comment le modifier sur le site de la [[CAF]] ?",
    "Où trouver mon numéro fiscal sur l'avis d'impôt ?",
    "c'est quoi un numéro [[SIRET]] ?",
    "Le timbre fiscal pour le passeport coûte {KEEP_AMOUNT} ?",
    "je touche {KEEP_AMOUNT} de chômage, est ce que je peux avoir la [[prime d'activité]] ?",
    "il faut combien de temps pour le renouvellement du permis de conduire ?",
    "merci beaucoup pour votre aide, bonne journée",
    "bonjour madame, je voudrais un renseignement",
    "Merci monsieur pour la réponse",
    "j'ai 2 enfants et je suis seule, quelles aides ?",
    "mon dossier est en cours depuis le {KEEP_DEADLINE}",
    "la [[MSA]] ou la [[CAF]], laquelle pour un agriculteur ?",
    "Quel est le délai pour contester une amende de {KEEP_AMOUNT} ?",
    "ou se trouve la sous-préfecture de {KEEP_CITY} ?",
    "mon fils a 16 ans, doit-il faire le recensement ?",
    "pk ma demande de [[logement social]] est refusée ??",
    "la [[CPAM]] de {KEEP_CITY} est ouverte le samedi ?",
    "Je suis allocataire de l'[[AAH]], est-ce cumulable ?",
    "est ce que l'{KEEP_ARTICLE} s'applique aux étudiants ?",
    "bjr, le site de l'[[URSSAF]] plante depuis ce matin",
]

STREET_TYPES = [
    "rue",
    "avenue",
    "boulevard",
    "bd",
    "allée",
    "impasse",
    "chemin",
    "place",
    "route",
    "quai",
    "av.",
    "résidence",
]
STREET_NAMES = [
    "des Lilas",
    "Jean Jaurès",
    "de la République",
    "Victor Hugo",
    "du Général de Gaulle",
    "de la Gare",
    "Pasteur",
    "des Écoles",
    "du Moulin",
    "Saint-Exupéry",
    "de Verdun",
    "des Acacias",
    "Gambetta",
    "de la Liberté",
    "du Stade",
    "Émile Zola",
    "de l'Église",
]
CITIES = [
    "Lyon",
    "Paris",
    "Marseille",
    "Toulouse",
    "Lille",
    "Nantes",
    "Rennes",
    "Bordeaux",
    "Strasbourg",
    "Montpellier",
    "Dijon",
    "Grenoble",
    "Limoges",
    "Brest",
    "Metz",
    "Amiens",
    "Nancy",
    "Saint-Denis",
    "Rouen",
    "Caen",
    "Tours",
    "Pau",
    "Nîmes",
    "Poitiers",
]
PROCEDURES_KEEP = {
    "KEEP_SERVICE": ["39 39", "3919", "3939", "115"],
    "KEEP_ARTICLE": ["article L. 262-2", "article R. 351-1", "article L.842-1", "article D 823-16"],
}
SMS = [
    ("je suis", "jsuis"),
    ("s'il vous plaît", "svp"),
    ("bonjour", "slt"),
    ("pourquoi", "pk"),
    ("beaucoup", "bcp"),
    ("rendez-vous", "rdv"),
    ("c'est", "c"),
    ("numéro", "num"),
    ("téléphone", "tel"),
    ("quand", "qd"),
    ("pour", "pr"),
    ("je voudrais", "jvoudrais"),
    ("j'ai", "jai"),
    ("merci", "mci"),
    ("est-ce que", "esque"),
]
ACCENTS = str.maketrans("àâäéèêëîïôöùûüçÀÂÉÈÊÎÔÙÛÇ", "aaaeeeeiioouuucAAEEEIOUUC")


class CorpusGenerator:
    """Deterministic generator of labelled messages."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not crypto
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)

    # --- entity values -------------------------------------------------------
    def digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def spaced(self, value: str, groups) -> str:
        """Insert spaces after the given group lengths, or not, at random."""
        if self.rng.random() < 0.4:
            return value
        parts, i = [], 0
        for size in groups:
            parts.append(value[i : i + size])
            i += size
        return " ".join(p for p in parts + [value[i:]] if p)

    def person(self) -> str:
        first, last = self.fake.first_name(), self.fake.last_name()
        form = self.rng.choice(
            ["First Last", "first last", "LAST First", "First LAST", "First Last"]
        )
        return {
            "First Last": f"{first} {last}",
            "first last": f"{first} {last}".lower(),
            "LAST First": f"{last.upper()} {first}",
            "First LAST": f"{first} {last.upper()}",
        }[form]

    def phone(self) -> str:
        while True:
            prefix = self.rng.choice(
                ["06", "07", "01", "02", "03", "04", "05", "09", "0692", "0690", "0696", "0694"]
            )
            national = prefix + self.digits(10 - len(prefix))
            region = {"0692": "RE", "0690": "GP", "0696": "MQ", "0694": "GF"}.get(prefix, "FR")
            number = phonenumbers.parse(national, region)
            if phonenumbers.is_valid_number(number):
                break
        rest = national[1:]
        pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
        code = str(number.country_code)
        forms = [
            pairs,
            national,
            pairs.replace(" ", "."),
            pairs.replace(" ", "-"),
            f"+{code} {rest[0]} {' '.join(rest[i : i + 2] for i in range(1, 9, 2))}",
            f"+{code}{rest}",
            f"00{code}{rest}",
            f"+{code} (0){rest}",
            f"{national[:4]} {national[4:]}",
        ]
        if region != "FR":
            forms = forms[:4] + [
                f"+{code} {national[1:4]} {national[4:6]} {national[6:8]} {national[8:]}"
            ]
        return self.rng.choice(forms)

    def email(self) -> str:
        first, last = (self.fake.first_name().lower(), self.fake.last_name().lower())
        user = (
            self.rng.choice(
                [
                    f"{first}.{last}",
                    f"{first}{self.digits(2)}",
                    f"{last}_{first}",
                    f"{first[0]}{last}",
                ]
            )
            .translate(ACCENTS)
            .replace(" ", "")
        )
        domain = self.rng.choice(
            [
                "orange.fr",
                "gmail.com",
                "free.fr",
                "laposte.net",
                "sfr.fr",
                "hotmail.fr",
                "wanadoo.fr",
                "yahoo.fr",
                "outlook.com",
            ]
        )
        return f"{user}@{domain}"

    def nir(self) -> str:
        department = self.rng.choice(["75", "69", "13", "2A", "2B", "33", "59", "93", "01", "97"])
        body = (
            self.rng.choice("12")
            + self.digits(2)
            + f"{self.rng.randint(1, 12):02d}"
            + department
            + (self.digits(1) if department == "97" else "")
            + self.digits(6 if department == "97" else 6)
        )[:13]
        value = body + nir.calc_check_digits(body)
        return self.spaced(value, [1, 2, 2, 2, 3, 3])

    def iban(self) -> str:
        country, length = self.rng.choice(
            [("FR", 23), ("FR", 23), ("FR", 23), ("BE", 12), ("DE", 18)]
        )
        while True:
            bban = self.digits(length)
            value = country + iban.calc_check_digits(country + "00" + bban) + bban
            if iban.is_valid(value):
                break
        spaced = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return self.rng.choice([spaced, value, spaced.lower(), value])

    def siren(self) -> str:
        body = self.rng.choice("123456789") + self.digits(7)
        return self.spaced(body + luhn.calc_check_digit(body), [3, 3, 3])

    def siret(self) -> str:
        siren = self.rng.choice("123456789") + self.digits(7)
        body = siren + luhn.calc_check_digit(siren) + self.digits(4)
        return self.spaced(body + luhn.calc_check_digit(body), [3, 3, 3, 5])

    def tax_id(self) -> str:
        body = self.rng.choice("0123") + self.digits(9)
        value = body + nif.calc_check_digits(body)
        return self.spaced(value, [2, 2, 3, 3, 3]) if self.rng.random() < 0.6 else value

    def caf_id(self) -> str:
        return self.digits(7)

    def france_travail_id(self) -> str:
        return self.digits(7) + self.rng.choice(string.ascii_uppercase + string.digits)

    def passport(self) -> str:
        letters = "".join(self.rng.choice(string.ascii_uppercase) for _ in range(2))
        return f"{self.digits(2)}{letters}{self.digits(5)}"

    def id_card(self) -> str:
        if self.rng.random() < 0.5:
            return self.spaced(self.digits(12), [4, 3, 5])
        alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
        return (
            self.rng.choice(string.ascii_uppercase)
            + self.digits(1)
            + "".join(self.rng.choice(alphabet) for _ in range(7))
        )

    def plate(self) -> str:
        letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
        pick = lambda n: "".join(self.rng.choice(letters) for _ in range(n))  # noqa: E731
        sep = self.rng.choice(["-", " ", "-", ""])
        if self.rng.random() < 0.75:
            siv = f"{pick(2)}{sep}{self.digits(3)}{sep}{pick(2)}"
            return siv.lower() if self.rng.random() < 0.2 else siv
        department = self.rng.choice(["75", "69", "13", "2A", "59"])
        return f"{self.rng.randint(1, 9999)} {pick(self.rng.choice([2, 3]))} {department}"

    def address(self) -> str:
        number = str(self.rng.randint(1, 250)) + self.rng.choice(["", "", "", " bis", "ter", " b"])
        if self.rng.random() < 0.3:
            street = self.fake.street_name()
        else:
            street = f"{self.rng.choice(STREET_TYPES)} {self.rng.choice(STREET_NAMES)}"
        address = f"{number}{self.rng.choice([' ', ', '])}{street}"
        if self.rng.random() < 0.5:
            address += (
                f"{self.rng.choice([' ', ', '])}{self.fake.postcode()} {self.rng.choice(CITIES)}"
            )
        return address.lower() if self.rng.random() < 0.3 else address

    def birth_date(self) -> str:
        day, month, year = (
            self.rng.randint(1, 28),
            self.rng.randint(1, 12),
            self.rng.randint(1930, 2015),
        )
        return self.rng.choice(
            [
                f"{day:02d}/{month:02d}/{year}",
                f"{day}/{month}/{year}",
                f"{day} {MONTHS[month - 1]} {year}",
                f"{day:02d}-{month:02d}-{year}",
                f"{day:02d}.{month:02d}.{year}",
                f"{day:02d}/{month:02d}/{year % 100:02d}",
                f"1er {MONTHS[month - 1]} {year}",
            ]
        )

    def credit_card(self) -> str:
        body = self.rng.choice(["4", "51", "53", "55"])
        body += self.digits(15 - len(body))
        value = body + luhn.calc_check_digit(body)
        return self.spaced(value, [4, 4, 4])

    def ip(self) -> str:
        return self.fake.ipv4_public() if self.rng.random() < 0.85 else self.fake.ipv6()

    # --- must-keep values ----------------------------------------------------
    def keep(self, slot: str) -> str:
        if slot == "KEEP_AMOUNT":
            amount = self.rng.choice(
                [
                    f"{self.rng.randint(5, 999)} €",
                    f"{self.rng.randint(5, 999)}€",
                    f"{self.rng.randint(5, 999)},{self.digits(2)} euros",
                    f"{self.rng.randint(1, 3)} {self.digits(3)} euros",
                ]
            )
            return amount
        if slot == "KEEP_CERFA":
            return (
                self.rng.choice(["cerfa n°", "cerfa ", "Cerfa n° ", "CERFA no "])
                + f"{self.digits(5)}*{self.digits(2)}"
            )
        if slot == "KEEP_DEADLINE":
            day, month = self.rng.randint(1, 28), self.rng.choice(MONTHS)
            return self.rng.choice(
                [f"{day} {month}", f"{day} {month} 2025", f"{day:02d}/0{self.rng.randint(1, 9)}"]
            )
        if slot == "KEEP_CITY":
            return self.rng.choice(CITIES)
        return self.rng.choice(PROCEDURES_KEEP[slot])

    VALUES = {
        "PERSON": "person",
        "PHONE_NUMBER": "phone",
        "EMAIL_ADDRESS": "email",
        "FR_NIR": "nir",
        "IBAN_CODE": "iban",
        "FR_SIREN": "siren",
        "FR_SIRET": "siret",
        "FR_TAX_ID": "tax_id",
        "FR_CAF_ID": "caf_id",
        "FR_FRANCE_TRAVAIL_ID": "france_travail_id",
        "FR_PASSPORT": "passport",
        "FR_ID_CARD": "id_card",
        "LICENSE_PLATE": "plate",
        "STREET_ADDRESS": "address",
        "DATE_OF_BIRTH": "birth_date",
        "CREDIT_CARD": "credit_card",
        "IP_ADDRESS": "ip",
    }

    def value(self, slot: str):
        """(entity type, value) for an entity slot, or (None, value) for a must-keep slot."""
        if slot == "FIRST":
            return "PERSON", self.rng.choice([str.lower, str.title])(self.fake.first_name())
        if slot == "LAST":
            return "PERSON", self.rng.choice([str.upper, str.title])(self.fake.last_name())
        if slot in self.VALUES:
            return slot, getattr(self, self.VALUES[slot])()
        return None, self.keep(slot)

    # --- messages --------------------------------------------------------------
    def roughen(self, literal: str, style: set) -> str:
        if "sms" in style:
            for formal, short in SMS:
                if self.rng.random() < 0.7:
                    literal = re.sub(rf"\b{re.escape(formal)}\b", short, literal, flags=re.I)
        if "noaccent" in style:
            literal = literal.translate(ACCENTS)
        if "lower" in style:
            literal = literal.lower()
        if "typo" in style and len(literal) > 6 and self.rng.random() < 0.5:
            i = self.rng.randrange(len(literal) - 1)
            if literal[i].isalpha() and literal[i + 1].isalpha():
                literal = literal[:i] + literal[i + 1] + literal[i] + literal[i + 2 :]
        return literal

    def message(self, template: str) -> dict:
        style = {s for s in ("sms", "noaccent", "lower", "typo") if self.rng.random() < 0.3}
        text, entities, must_keep, position = "", [], [], 0
        for match in SLOT.finditer(template):
            text += self.roughen(template[position : match.start()], style)
            position = match.end()
            if match.group(2):  # [[phrase]] that must survive, possibly with a slot inside
                inner = SLOT.sub(lambda m: self.value(m.group(1))[1], match.group(2))
                phrase = inner.lower() if "lower" in style else inner
                must_keep.append(phrase)
                text += phrase
                continue
            entity, value = self.value(match.group(1))
            if entity is None:
                must_keep.append(value)
            else:
                entities.append({"type": entity, "start": len(text), "end": len(text) + len(value)})
            text += value
        text += self.roughen(template[position:], style)
        return {"text": text, "entities": entities, "must_keep": must_keep}

    def generate(self, size: int, negative_share: float = 0.25):
        """`size` messages, a `negative_share` of them without personal data."""
        for i in range(size):
            pool = NEGATIVE if i % round(1 / negative_share) == 0 else POSITIVE
            yield self.message(self.rng.choice(pool))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--size", type=int, default=1200)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for record in CorpusGenerator(args.seed).generate(args.size):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
