"""Small text helpers shared by recognizers, the redactor and the assistant."""

from functools import lru_cache

_ACCENTS = str.maketrans(
    "àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸŒÆ’",
    "aaaaaaceeeeiiiinooooouuuuyyoaAAAAAACEEEEIIIINOOOOOUUUUYYOA'",
)

# French month names, January first (dates written the French way: "3 mars 2026").
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@lru_cache(maxsize=256)
def fold(text: str) -> str:
    """Lower-case and strip French accents, keeping every character at its offset."""
    folded = text.translate(_ACCENTS).lower()
    return folded if len(folded) == len(text) else text.lower()


def compact(value: str) -> str:
    """Keep only letters and digits, folded: '06 12' and '0612' compare equal."""
    return "".join(ch for ch in fold(value) if ch.isalnum())
