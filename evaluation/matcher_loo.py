"""Leave-one-out evaluation of the catalogue matcher and its decision rule, on the catalogue's
own phrasings only (never on the external question set).

Each situation, example question and FAQ phrasing of data/knowledge/procedures/ is taken out
of the matcher's index in turn (with any identical phrasing of the same procedure), then
matched as if a citizen had written it, with no classifier: the second understanding path
alone. The decision rule is the dialogue's (actions/dialogue.py):
- a procedure's name in the message answers it (alias);
- else a procedure's word used in another sense (`not_about`) makes it out of scope;
- else the closest procedure is answered when `closest_is_clear` (MATCH_CONFIDENT, MATCH_MARGIN);
- else up to three procedures reaching MATCH_POSSIBLE are offered as suggestions;
- else nothing (the dialogue asks which procedure, or says it did not understand).

The hand-written out-of-scope examples (data/nlu/general.yml, intent out_of_scope) and a few
vague messages of our own (VAGUE) are matched too: any procedure answered for one of the first
is a wrong answer, and for one of the second unless it is among the procedures allowed.

Taking a phrasing out masks it: the IDF weights of the catalogue are kept (rebuilding the
matcher without the phrasing gave the same outcome for a sample of 80 phrasings, and takes
about a minute for all of them instead of seconds).

    PYTHONPATH=$PWD .venv/bin/python -m evaluation.matcher_loo [--misses N]
"""

from __future__ import annotations

import argparse
import contextlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from actions import dialogue
from actions.catalogue import Catalogue, normalise
from actions.matcher import CatalogueMatcher, Match

GENERAL_NLU = Path(__file__).resolve().parent.parent / "data" / "nlu" / "general.yml"
# Each phrasing is matched as written, and inside sentences with words of their own (as
# citizens write, and as tests/test_understanding.py writes them): a rule must hold on all.
CARRIERS = ("{}", "bonjour, {}. que dois-je faire ?", "{}, merci d'avance pour votre réponse")
OUTCOMES = ("right", "wrong", "suggested right", "suggested wrong", "nothing")
# Vague messages of our own, each about several procedures at once: answering one of them on
# resemblance alone is a wrong answer, unless it is among the procedures given (a reverted rule
# answered the first two with changement_adresse and paje).
VAGUE = (
    ("je change de voiture", ("carte_grise",)),
    ("je veux des aides de la caf", ()),
    ("une aide de la caf pour mes enfants", ()),
    ("je cherche une aide financière", ()),
    ("une aide pour les familles", ()),
    ("j'ai besoin d'un papier de la mairie", ()),
    ("je dois refaire mes papiers", ()),
    ("j'ai perdu mes papiers", ()),
    ("on m'a volé mon portefeuille", ()),
    ("je pars à l'étranger cet été", ()),
    ("je voudrais faire des travaux chez moi", ()),
    ("je suis handicapé", ()),
    ("je viens d'arriver en france", ()),
    ("mes parents sont âgés", ()),
    ("j'ai un enfant de 16 ans", ()),
    ("je n'ai plus de revenus", ()),
    ("je suis étudiant", ()),
    ("mon père est décédé", ("demarches_deces", "declaration_deces", "acte_deces")),
    ("je viens d'avoir un bébé", ("declaration_naissance", "paje")),
    ("je déménage le mois prochain", ("changement_adresse",)),
    ("je suis au chômage", ("france_travail",)),
    ("quelle aide pour payer mon loyer", ("aides_logement",)),
)

# A rule: the matches of a message (best first, at most three) -> the procedure answered on the
# resemblance alone, or None.
Rule = Callable[[Sequence[Match]], "str | None"]


def dialogue_rule(matches: Sequence[Match]) -> str | None:
    return matches[0].procedure if dialogue.closest_is_clear(matches) else None


@dataclass(frozen=True)
class Phrasing:
    procedure: str
    source: str  # "situation", "question" or "faq"
    text: str


def phrasings(catalogue: Catalogue) -> list[Phrasing]:
    found = []
    for procedure in catalogue.procedures.values():
        found += [Phrasing(procedure.id, "situation", text) for text in procedure.situations]
        found += [
            Phrasing(procedure.id, "question", text)
            for texts in procedure.questions.values()
            for text in texts
        ]
        found += [
            Phrasing(procedure.id, "faq", text) for faq in procedure.faq for text in faq.phrasings
        ]
    return found


def out_of_scope_examples(path: Path = GENERAL_NLU) -> list[str]:
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if block.get("intent") == "out_of_scope":
            return [
                line.strip().removeprefix("-").strip()
                for line in block["examples"].splitlines()
                if line.strip()
            ]
    return []


def analyse(matcher: CatalogueMatcher, text: str) -> tuple[tuple[Match, ...], frozenset[str]]:
    matches, other_sense = matcher.analyse(text)
    return tuple(matches), frozenset(other_sense)


class MaskedMatcher:
    """The matcher with some of its indexed examples taken out, one phrasing at a time."""

    def __init__(self, catalogue: Catalogue):
        self.matcher = CatalogueMatcher(catalogue)
        # The index's examples in the order CatalogueMatcher._index lists them.
        texts = []
        for procedure in catalogue.procedures.values():
            texts += [(procedure.id, text) for text in procedure.situations]
            texts += [(procedure.id, t) for ts in procedure.questions.values() for t in ts]
            texts += [(procedure.id, t) for faq in procedure.faq for t in faq.phrasings]
            texts += [(procedure.id, text) for text in procedure.not_about]
        assert len(texts) == len(self.matcher._examples)
        self._indices: dict[tuple[str, str], list[int]] = {}
        for index, (procedure_id, text) in enumerate(texts):
            self._indices.setdefault((procedure_id, normalise(text)), []).append(index)

    @contextlib.contextmanager
    def without(self, phrasing: Phrasing) -> Iterator[CatalogueMatcher]:
        indices = self._indices[(phrasing.procedure, normalise(phrasing.text))]
        postings = self.matcher._postings
        removed = []
        for index in indices:
            for word in self.matcher._examples[index].weights:
                postings[word].remove(index)
                removed.append((word, index))
        try:
            yield self.matcher
        finally:
            for word, index in removed:
                postings[word].append(index)
            for word in {word for word, _ in removed}:
                postings[word].sort()


def outcome(
    analysed: tuple[Sequence[Match], frozenset[str]], expected: str | None, rule: Rule
) -> tuple[str, bool, str | None]:
    """What the dialogue would do with a message's matches and other senses: the kind of
    outcome, whether a name decided it, and the procedure answered. A word in another sense,
    and no name: out of scope (nothing)."""
    matches, other_sense = analysed
    named = [match.procedure for match in matches if match.via == "alias"]
    if not named and other_sense:
        return "nothing", False, None
    answered = named[0] if named else rule(matches)
    if answered is not None:
        return ("right" if answered == expected else "wrong"), bool(named), answered
    offered = [match.procedure for match in matches if match.score >= dialogue.MATCH_POSSIBLE]
    if offered:
        kind = "suggested right" if expected in offered else "suggested wrong"
        return kind, False, None
    return "nothing", False, None


@dataclass
class Report:
    phrasings: Counter  # outcome -> count, every phrasing
    by_resemblance: Counter  # the same, for phrasings no procedure name decided
    out_of_scope: Counter  # outcome -> count, hand-written out-of-scope examples
    vague: Counter  # outcome -> count, VAGUE ("right": one of the procedures given)
    misses: list[tuple[str, str, str, str]]  # (outcome, expected, answered or offered, text)


def evaluate(
    catalogue: Catalogue | None = None,
    rule: Rule = dialogue_rule,
    masked: MaskedMatcher | None = None,
    cache: dict | None = None,
    carrier: str = CARRIERS[0],
) -> Report:
    """`cache` ((phrasing, carrier) -> matches) lets several rules be compared on one matching."""
    catalogue = catalogue or Catalogue.load()
    masked = masked or MaskedMatcher(catalogue)
    cache = {} if cache is None else cache
    report = Report(Counter(), Counter(), Counter(), Counter(), [])
    for phrasing in phrasings(catalogue):
        if (phrasing, carrier) not in cache:
            with masked.without(phrasing) as matcher:
                cache[phrasing, carrier] = analyse(matcher, carrier.format(phrasing.text))
        matches, _ = cache[phrasing, carrier]
        kind, by_name, _ = outcome(cache[phrasing, carrier], phrasing.procedure, rule)
        report.phrasings[kind] += 1
        if not by_name:
            report.by_resemblance[kind] += 1
        if kind != "right":
            found = ",".join(m.procedure for m in matches) or "-"
            report.misses.append((kind, phrasing.procedure, found, phrasing.text))
    for text in out_of_scope_examples():
        if text not in cache:
            cache[text] = analyse(masked.matcher, text)
        kind, _, _ = outcome(cache[text], None, rule)
        report.out_of_scope[kind] += 1
    for text, allowed in VAGUE:
        if text not in cache:
            cache[text] = analyse(masked.matcher, text)
        _, _, answered = outcome(cache[text], None, rule)
        kind = "nothing" if answered is None else "right" if answered in allowed else "wrong"
        report.vague[kind] += 1
        if kind == "wrong":
            report.misses.append((kind, "|".join(allowed) or "-", answered, text))
    return report


def rates(counts: Counter) -> str:
    total = sum(counts.values()) or 1
    return "  ".join(f"{kind} {counts[kind] / total:.3f}" for kind in OUTCOMES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", type=int, default=0, help="also list N misses per carrier")
    args = parser.parse_args(argv)
    catalogue = Catalogue.load()
    masked = MaskedMatcher(catalogue)
    for carrier in CARRIERS:
        report = evaluate(catalogue, masked=masked, carrier=carrier)
        total, unnamed = sum(report.phrasings.values()), sum(report.by_resemblance.values())
        print(f"catalogue phrasings left out in turn, as {carrier!r}")
        print(f"  all ({total})".ljust(24) + rates(report.phrasings))
        print(f"  no name ({unnamed})".ljust(24) + rates(report.by_resemblance))
        for kind, expected, found, text in report.misses[: args.misses]:
            print(f"    {kind:<16} {expected} -> {found}: {text}")
    out_of_scope, vague = report.out_of_scope, report.vague
    print(f"out of scope ({sum(out_of_scope.values())})".ljust(24) + rates(out_of_scope))
    print(f"vague ({sum(vague.values())})".ljust(24) + rates(vague))
    print("(out of scope: an answer is wrong; vague: an answer is right if allowed, else wrong)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
