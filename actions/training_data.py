"""Generate the NLU training examples about procedures from the catalogue.

`python -m actions.training_data` (run by `make train`) writes data/nlu/catalogue.yml from
data/knowledge/: an administration adds or edits a procedure in its one YAML file and
retrains; it never edits data/nlu/. The output is deterministic, so the committed file only
changes when the catalogue does, and a test checks that it is up to date.

What is generated, for every procedure:
- its example questions (`questions:`), each under the intent of its sub-question;
- its first life situations (TRAINED_SITUATIONS), as general questions about it
  (ask_procedure); the matcher reads them all. FAQ phrasings are left
  to the catalogue matcher: they are specific questions ("où acheter le timbre ?"), and as
  general ones they taught the classifier that every question is general;
- one sentence per alias, taking the phrasings of data/knowledge/phrasings.yml in turn;
- two two-question messages (multi-intent, such as "ask_cost+ask_documents"), with its first
  two names: with one rigid message per procedure, the classifier took single questions for
  two (5-fold CV precision of the two-question intents about 0.5);
- its words in another sense (`not_about`), as out-of-scope examples, unless they name another
  procedure (the matcher still reads them all);
- a lookup table of the aliases (a feature of the classifier).
Every alias, case word ("perdu", "né à l'étranger") and age in these sentences is annotated
as an entity, the same way everywhere, in another sense too: the entities are the words
(actions/vocabulary.py), and the catalogue matcher decides in which sense they are used.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

from actions.catalogue import KNOWLEDGE_DIR, Catalogue, normalise
from actions.vocabulary import Vocabulary

OUTPUT = KNOWLEDGE_DIR.parent / "nlu" / "catalogue.yml"
INTENTS = {
    "summary": "ask_procedure",
    "where": "ask_where",
    "cost": "ask_cost",
    "documents": "ask_documents",
    "delay": "ask_delay",
    "validity": "ask_validity",
    "conditions": "ask_eligibility",
}
OUT_OF_SCOPE = "out_of_scope"
# Situations name no procedure: they teach the classifier only that a described life event is a
# question about some procedure (the matcher says which, and reads them all). Trained without a
# cap, a richer catalogue tipped the classifier's balance, and out-of-scope questions were
# answered as procedures.
TRAINED_SITUATIONS = 10
HEADER = """\
# GENERATED from data/knowledge/ by `python -m actions.training_data` (run by `make train`).
# Do not edit: change the procedure files (aliases, situations, questions),
# data/knowledge/cases.yml or data/knowledge/phrasings.yml, then retrain.
"""
RESERVED = re.compile(r"[\[\]{}()]")


def annotate(text: str, vocabulary: Vocabulary) -> str:
    """The text in Rasa's training format, with its procedures, cases and ages marked."""
    annotated, position = [], 0
    for span in vocabulary.entities(text):
        annotated.append(text[position : span.start])
        mention = text[span.start : span.end]
        if span.entity == "age":
            annotated.append(f"[{mention}](age)")
        else:
            annotated.append(
                f"[{mention}]{json.dumps({'entity': span.entity, 'value': span.value})}"
            )
        position = span.end
    annotated.append(text[position:])
    return "".join(annotated)


def as_example(text: str) -> str:
    """The text as an example line: Rasa's annotation brackets blanked, spaces single."""
    return " ".join(RESERVED.sub(" ", text).split())


def examples_by_intent(
    catalogue: Catalogue, phrasings: dict, vocabulary: Vocabulary
) -> dict[str, list[str]]:
    by_question = [
        (INTENTS[question], template)
        for question, templates in phrasings["by_question"].items()
        for template in templates
    ]
    combined = [
        (intent, template)
        for intent, templates in phrasings["combined"].items()
        for template in templates
    ]
    alias_turns, combined_turns = itertools.cycle(by_question), itertools.cycle(combined)
    other_sense_turns = itertools.cycle(phrasings["other_sense"])
    examples: dict[str, list[str]] = {}

    def add(intent: str, text: str) -> None:
        examples.setdefault(intent, []).append(as_example(text))

    for procedure in sorted(catalogue.procedures.values(), key=lambda p: p.id):
        for question, texts in procedure.questions.items():
            for text in texts:
                add(INTENTS[question], text)
        for text in procedure.situations[:TRAINED_SITUATIONS]:
            add("ask_procedure", text)
        for alias in procedure.aliases:
            intent, template = next(alias_turns)
            add(intent, template.format(name=alias))
        for name in (procedure.aliases * 2)[:2]:  # a procedure may have a single name
            intent, template = next(combined_turns)
            add(intent, template.format(name=name))
        for phrase in procedure.not_about:
            if vocabulary.named_procedures(phrase) - {procedure.id}:
                # Another procedure's name ("logement social hlm" is not a housing aid, but it
                # is the social housing procedure): in scope, so not trained as out of scope.
                continue
            for _ in range(2):
                add(OUT_OF_SCOPE, next(other_sense_turns).format(phrase=phrase))
    return examples


ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")


def hand_written_sentences(nlu_dir: Path) -> Iterator[tuple[str | None, str]]:
    """(intent, text without annotations) of every example line of the hand-written NLU files
    (the intent is None for lookup tables and regexes)."""
    for path in sorted(nlu_dir.glob("*.yml")):
        if path.name == OUTPUT.name:
            continue
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", ()):
            for line in str(block.get("examples", "")).splitlines():
                text = ANNOTATION.sub(r"\1", line.strip().removeprefix("- "))
                if text:
                    yield block.get("intent"), text


def hand_written_examples(nlu_dir: Path) -> set[str]:
    """The normalised sentences of the hand-written NLU files: they keep their own intent."""
    return {normalise(text) for _, text in hand_written_sentences(nlu_dir)}


def generate(directory: Path = KNOWLEDGE_DIR, nlu_dir: Path = OUTPUT.parent) -> str:
    """The generated NLU file for the catalogue in `directory`, next to the hand-written
    files of `nlu_dir`."""
    catalogue = Catalogue.load(directory)
    phrasings = yaml.safe_load((directory / "phrasings.yml").read_text(encoding="utf-8"))
    vocabulary = Vocabulary(catalogue)
    seen = hand_written_examples(nlu_dir)
    lines = [HEADER, 'version: "3.1"', "", "nlu:"]
    for intent, texts in examples_by_intent(catalogue, phrasings, vocabulary).items():
        lines += [f"- intent: {intent}", "  examples: |"]
        for text in texts:
            key = normalise(text)
            if key and key not in seen:  # one intent per sentence, however it is spelled
                seen.add(key)
                lines.append(f"    - {annotate(text, vocabulary)}")
        lines.append("")
    aliases_seen: set[str] = set()
    lookup = []
    for procedure in sorted(catalogue.procedures.values(), key=lambda p: p.id):
        for alias in (procedure.title, *procedure.aliases):
            if alias.lower() not in aliases_seen and alias.lower() != procedure.id:
                aliases_seen.add(alias.lower())
                lookup.append(alias)
    lines += ["- lookup: procedure", "  examples: |"]
    lines += [f"    - {as_example(alias)}" for alias in lookup]
    return "\n".join(lines) + "\n"


def main() -> int:
    generated = generate()
    # Rewritten only when it changes: an edited answer or FAQ does not retrain the model.
    if OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == generated:
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.write_text(generated, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
