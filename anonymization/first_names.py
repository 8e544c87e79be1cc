"""Rebuild anonymization/data/first_names.txt from Faker's person providers (dev tool).

    python -m anonymization.first_names

First names of people living in France, from Faker's French, Belgian, Swiss, Canadian,
Algerian, Portuguese and English-speaking providers, plus those already in the file
(curated by hand). A name that is also an ordinary French word (rose, olivier, pierre...),
a stop or chat word, a place or shorter than three letters is left out: such names
are only taken next to a cue or when spaCy's NER finds them.
"""

import re
import warnings

from anonymization.lexicon import french_lexicon
from anonymization.policy import Policy
from anonymization.recognizers.person_first_name import FIRST_NAMES, first_names
from anonymization.recognizers.vocabulary import CHAT_WORDS, STOP_WORDS

# First names that are mostly places in French messages ("en France", "à Valence").
PLACES = {
    "france",
    "florence",
    "lorraine",
    "vienne",
    "lourdes",
    "valence",
    "provence",
    "savoie",
    "bretagne",
    "normandie",
    "alsace",
    "corse",
    "guyane",
    "martinique",
    "maroc",
    "algérie",
    "tunisie",
    "sénégal",
    "mali",
    "chine",
    "inde",
    "israël",
    "jordanie",
    "georgia",
    "virginia",
    "carolina",
    "dakota",
    "montana",
    "nevada",
    "india",
    "china",
    "africa",
    "asia",
    "europe",
}
LOCALES = ("fr_FR", "fr_BE", "fr_CH", "fr_CA", "fr_DZ", "pt_PT", "en_US", "en_GB")
HEADER = __doc__.split("\n\n")[2].replace("\n", "\n# ")


def collect() -> list[str]:
    """The filtered, sorted, lower-case first names."""
    from faker import Faker

    lexicon = french_lexicon()
    excluded = CHAT_WORDS | STOP_WORDS | PLACES | {t.lower() for t in Policy.load().allow_terms}
    names: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for locale in LOCALES:
            provider = Faker(locale).provider("faker.providers.person")
            for attribute in ("first_names_male", "first_names_female"):
                names.update(getattr(provider, attribute, ()))
    added = {
        name.lower()
        for name in names
        if re.fullmatch(r"[^\W\d_]{3,}(?:-[^\W\d_]{3,})?", name)
        and name.lower() not in excluded
        and name not in lexicon
    }
    return sorted(added | (set(first_names()) - PLACES))


def main() -> None:
    names = collect()
    FIRST_NAMES.write_text("# " + HEADER + "\n" + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} first names written to {FIRST_NAMES}")


if __name__ == "__main__":
    main()
