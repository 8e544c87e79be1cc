"""Small text helpers shared by recognizers and the redactor."""

from functools import lru_cache

_ACCENTS = str.maketrans(
    "àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸŒÆ’",
    "aaaaaaceeeeiiiinooooouuuuyyoaAAAAAACEEEEIIIINOOOOOUUUUYYOA'",
)


@lru_cache(maxsize=256)
def fold(text: str) -> str:
    """Lower-case and strip French accents, keeping every character at its offset."""
    folded = text.translate(_ACCENTS).lower()
    return folded if len(folded) == len(text) else text.lower()


def compact(value: str) -> str:
    """Keep only letters and digits, folded: '06 12' and '0612' compare equal."""
    return "".join(ch for ch in fold(value) if ch.isalnum())
