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
    "content contente desole desolee pourriez pouvez voudrais aimerais numero nom prenom "
    "adresse mail tel pr pk qd bcp tt ds ms vs ns jvx rdv dc".split()
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


def _word(excluded, first_letter: str = r"[^\W\d_]") -> str:
    """Regex of one name-like word that is none of `excluded` (case-insensitive)."""
    return (
        rf"(?:[dl]['’])?(?!(?i:{_alternation(excluded)})(?![\w'’-]))"
        rf"{first_letter}[\w'’-]*"
    )


# Any word but a stop word or particle: after strong cues, in street names.
WORD = _word(_STOP)
# Any word but a stop word, particle or common chat word: after titles.
SAFE_WORD = _word(_STOP | CHAT_WORDS)
# A capitalised word that is neither a stop nor a chat word: after weak cues ("je suis Marie").
CAPITALISED = _word(_STOP | CHAT_WORDS, first_letter=r"(?-i:[A-ZÀ-ÖØ-Þ])")


def name_of(word: str, max_words: int = 3) -> str:
    """Regex of a name made of 1..max_words words, with particles in between."""
    return rf"{word}(?:[ \t]+(?:{PARTICLE}[ \t]+)?{word}){{0,{max_words - 1}}}"
