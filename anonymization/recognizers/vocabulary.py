"""Word lists and regex fragments shared by the name and address recognizers."""

import re

from spacy.lang.fr.stop_words import STOP_WORDS

# Lower-case particles that may sit inside a name: "de La Tour", "rue de la Paix".
PARTICLE = r"(?:de\s+la|de|du|des|la|le|les|van|von|ben|el)"
_PARTICLES = {"de", "du", "des", "la", "le", "les", "van", "von", "ben", "el"}

# Chat words that do not start a name although spaCy does not list them as stop words:
# "je suis perdu", "madame bonjour", "monsieur merci".
CHAT_WORDS = set(
    "bonjour bonsoir salut slt bjr cc coucou merci mrc mci svp stp cdt cordialement "
    "bonne bon journee soiree oui non ok okay daccord voila besoin aide demande "
    "question probleme perdu perdue retard chomage malade enceinte allocataire "
    "inscrit inscrite handicape handicapee etudiant etudiante retraite retraitee "
    "veuf veuve divorce divorcee mariee celibataire seul seule tres bien mal "
    "content contente desole desolee pourriez pouvez voudrais aimerais numero numéro nom prenom "
    "dossier identifiant compte reference référence "
    "adresse mail tel pr pk qd bcp tt ds ms vs ns jvx rdv dc cdlt amicalement salutations "
    "respectueusement ici née né nee epouse épouse epoux époux fils fille mari femme frere "
    "soeur mere pere oncle tante voisin voisine".split()
)

_STOP = {w for w in STOP_WORDS if "'" not in w and "’" not in w} | _PARTICLES
_STOP |= {
    "j",
    "jsuis",
    "jai",
    "jhabite",
    "jveux",
    "jvoudrais",
    "c",
    "cest",
    "a",
    "y",
    "nom",
    "prenom",
    "pr",
    "pk",
    "qd",
    "svp",
    "stp",
    "mci",
    "slt",
    "bjr",
}


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# A capitalised particle opening a surname: "Le Bris", "Da Rocha", "LE MEUR", "Dos Reis".
_CAPITAL_PARTICLE = (
    r"(?-i:(?:Le|La|Les|De|Da|Du|Des|Dos|Van|Von|El|Ben|LE|LA|DE|DA|DU|DOS|VAN|EL|BEN)[ \t]+"
    r"(?=[A-ZÀ-ÖØ-Þ][\w'’-]))"
)


def _word(excluded, first_letter: str = r"[^\W\d_]", tail: str = "*") -> str:
    """Regex of one name-like word that is none of `excluded` (case-insensitive)."""
    return (
        rf"{_CAPITAL_PARTICLE}?(?:[dl]['’])?(?!(?i:{_alternation(excluded)})(?![\w'’-]))"
        rf"{first_letter}[\w'’-]{tail}"
    )


# Words that are never part of a name, whatever their case.
NOT_NAME_ALTERNATION = _alternation(_STOP | CHAT_WORDS)

# Any word but a stop word or particle: after strong cues, in street names.
WORD = _word(_STOP)
# Any word but a stop word, particle or common chat word: after titles.
SAFE_WORD = _word(_STOP | CHAT_WORDS)
# A capitalised word that is neither a stop nor a chat word: after weak cues ("je suis Marie").
# (Two letters at least: "M" alone is a title.) The leading guard makes the many positions
# that cannot start a capitalised word fail at once, before the stop-word alternation.
CAPITALISED = r"(?<![\w'’-])(?-i:(?=[A-ZÀ-ÖØ-Þ]|[dlDL]['’][A-ZÀ-ÖØ-Þ]))" + _word(
    _STOP | CHAT_WORDS, first_letter=r"(?-i:[A-ZÀ-ÖØ-Þ])", tail="+"
)


def misspelt(phrase: str, separator: str = r"\s+") -> str:
    """Regex of `phrase` (lower case, no accents) as typed, or with two adjacent letters of
    one word swapped, the commonest slip ("naissance" → "anissance", "le" → "el").

    A swap that makes a French stop word ("ne" → "en") is no slip of the cue, and a slipped
    word of fewer than four letters must end there ("cni" → "cin", not "cinq")."""
    variants = [_spaced(phrase, separator)]
    for match in re.finditer(r"[a-z]+", phrase):
        word, start = match.group(), match.start()
        for i in range(len(word) - 1):
            slip = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if slip == word or slip in STOP_WORDS:
                continue
            end = "(?![a-z])" if len(word) < 4 else ""
            before, after = phrase[:start], phrase[match.end() :]
            variants.append(_spaced(before + slip, separator) + end + _spaced(after, separator))
    return "|".join(variants)


def _spaced(text: str, separator: str) -> str:
    return re.escape(text).replace(r"\ ", separator)


# Titles before a name, in any case, also with two letters swapped ("maadme ROUX").
TITLE_WORDS = "|".join(map(misspelt, ("monsieur", "madame", "mademoiselle", "docteur")))


def name_of(word: str, max_words: int = 3) -> str:
    """Regex of a name made of 1..max_words words, with particles in between."""
    return rf"{word}(?:[ \t]+(?:{PARTICLE}[ \t]+)?{word}){{0,{max_words - 1}}}"


def ordinary_words(text: str) -> bool:
    """True when every word of `text` is an ordinary French word and none a first name."""
    from anonymization.lexicon import french_lexicon
    from anonymization.recognizers.person_first_name import first_name_set

    words = [w for w in re.split(r"[^\w'’-]+", text) if w]
    lexicon = french_lexicon()
    names = first_name_set()
    return bool(words) and all(
        w in lexicon and w.lower() not in names or w.lower() in _STOP for w in words
    )
