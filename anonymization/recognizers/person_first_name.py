"""Person names starting with a known French first name, in any case, accents optional."""

import re
from functools import lru_cache
from pathlib import Path

from presidio_analyzer import Pattern

from anonymization.recognizers.base import FrenchPatternRecognizer
from anonymization.recognizers.vocabulary import NOT_NAME_ALTERNATION, PARTICLE, WORD
from anonymization.text import fold

# Upper-case surname written before the first name: "DOS REIS Emmanuel".
_UPPER_SURNAME = (
    rf"(?-i:(?=[A-ZÀ-ÖØ-Þ]{{2}}))(?!(?i:{NOT_NAME_ALTERNATION})[ \t])"
    rf"(?-i:[A-ZÀ-ÖØ-Þ]{{2,}}(?:['’-][A-ZÀ-ÖØ-Þ]+)*)"
)
FIRST_NAMES = Path(__file__).resolve().parent.parent / "data" / "first_names.txt"


def _accent_optional(name: str) -> str:
    """'célina' -> 'c[ée]lina': users often drop accents, never add them."""
    parts = []
    for ch in name:
        base = fold(ch)  # the names are lower case
        parts.append(f"[{base}{ch}]" if base != ch else re.escape(ch))
    return "".join(parts)


def first_names() -> list[str]:
    """The lower-case first names of the vocabulary file."""
    lines = FIRST_NAMES.read_text(encoding="utf-8").splitlines()
    return [n for n in lines if n and not n.startswith("#")]


@lru_cache(maxsize=1)
def first_name_set() -> frozenset[str]:
    """The first names, lower case, for membership tests."""
    return frozenset(first_names())


def _first_names_regex() -> str:
    """A trie-shaped alternation (fast on thousands of names), accents optional."""
    trie: dict = {}
    for name in first_names():
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    branches = [_accent_optional(ch) + _trie_regex(child) for ch, child in node.items() if ch]
    if not branches:
        return ""
    if "" in node:  # a name ends here and longer ones go on
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


_FIRST = f"(?:{_first_names_regex()})"


class PersonFirstNameRecognizer(FrenchPatternRecognizer):
    """PERSON: a first name from the list, plus up to two following name words.

    Catches lower-case names without a cue ("nathalie lemoine, 3 rue ...") and
    upper-case surnames written first ("DOS REIS Emmanuel").
    """

    ENTITY = "PERSON"
    PATTERNS = [
        Pattern(
            "first name",
            rf"(?<![\w'’-])(?<!\w[.@])(?:{_UPPER_SURNAME}[ \t]+){{0,2}}"
            # Hyphenated first names are made of first names: "Anne-Laure", "Jean-Noël".
            rf"{_FIRST}(?:-{_FIRST})*(?![\w'’-]|[.@]\w)"
            rf"(?:[ \t]+(?:{PARTICLE}[ \t]+)?{WORD}){{0,2}}",
            0.6,
        ),
    ]
