"""Per-turn CPU that Rasa 3.6 spends for nothing, saved without changing what it does.

1. Rasa checks every action server response with `jsonschema.validate`, which first validates
the (constant) response schema against the JSON Schema meta-schema: about 50 ms of CPU per
custom action call with jsonschema 4, the largest single cost of a turn under load (measured
with py-spy during `guichet bench load`). Here the validator is built once; a response that
fails goes through Rasa's own check, so errors read exactly as before.

2. Rasa finds the class of each stored event by walking every subclass of `Event` (with an
`inspect.isabstract` check on each), for every event of the tracker it loads, every turn:
about 5% of a turn's CPU. Here a type name found once is remembered; an unknown name still
goes through Rasa's lookup, so events defined later are found as before.

3. Rasa's SpacyNLP runs the spaCy model's whole pipeline on each message, named-entity
recognition included, although only SpacyEntityExtractor reads spaCy's entities (it runs
the model itself) and our redaction runs its own NER: about 4 ms per message, some 10% of a
turn. Here SpacyNLP's documents are made without spaCy's NER; tokens, lemmas, tags and
vectors come from other components, so parses are identical (checked on the training data
by tests/test_speedups.py).

4. A loaded model is millions of long-lived Python objects (TensorFlow, spaCy, Rasa's graph)
that every full garbage collection walks again: 0.5 to 0.7 s with the whole server stopped,
every 10 to 15 s under load (measured with gc.callbacks during `guichet bench load`), which
showed as p99 turn latencies near one second. `freeze_startup_heap` moves what exists once
the server has started out of the collector's reach (gc.freeze): full collections then take
about 20 ms. bot.server.channels calls it when the server has started, after Rasa loaded the model;
`guichet bench turns` calls it after loading its agents, to measure what the server runs.

1 to 3 are applied by `bot.rasa_compat.install()`, with the other uses of Rasa's private names.
Each has a test that its result is Rasa's own (tests/test_speedups.py).
"""

from __future__ import annotations

import functools
import gc
import logging
from typing import Any


@functools.cache
def _response_validator():
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def apply() -> None:
    """Install 1 to 3 (idempotent; `bot.rasa_compat.install()` calls it after the version check)."""
    _install_cached_validation()
    _install_cached_event_classes()
    _install_nlu_docs_without_ner()


def _install_nlu_docs_without_ner() -> None:
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    rasa_doc_for_text = SpacyNLP._doc_for_text
    if getattr(rasa_doc_for_text, "guichet_cached", False):
        return

    @functools.wraps(rasa_doc_for_text)
    def doc_for_text(self, model, text):
        if "ner" not in model.pipe_names:
            return rasa_doc_for_text(self, model, text)
        with model.select_pipes(disable="ner"):
            return rasa_doc_for_text(self, model, text)

    doc_for_text.guichet_cached = True
    SpacyNLP._doc_for_text = doc_for_text


def _install_cached_event_classes() -> None:
    from rasa.shared.core.events import Event

    rasa_resolve = Event.resolve_by_type
    if getattr(rasa_resolve, "guichet_cached", False):
        return
    found: dict[str, type] = {}

    @functools.wraps(rasa_resolve)
    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        event_class = found.get(type_name)
        if event_class is None:
            event_class = rasa_resolve(type_name, default)
            if event_class is not None and event_class is not default:
                found[type_name] = event_class
        return event_class

    resolve_by_type.guichet_cached = True
    Event.resolve_by_type = staticmethod(resolve_by_type)


def _install_cached_validation() -> None:
    from rasa.core.actions.action import RemoteAction

    rasa_validate = RemoteAction._validate_action_result
    if getattr(rasa_validate, "guichet_cached", False):
        return

    @functools.wraps(rasa_validate)
    def validate_action_result(self, result: dict[str, Any]) -> bool:
        if _response_validator().is_valid(result):
            return True
        return rasa_validate(self, result)  # raises Rasa's own ValidationError

    validate_action_result.guichet_cached = True
    RemoteAction._validate_action_result = validate_action_result


def freeze_startup_heap() -> None:
    """Keep the objects that exist now (the loaded model) out of later collections."""
    gc.collect()  # what is already garbage must not be frozen with the rest
    gc.freeze()
    logging.getLogger(__name__).info(
        "%d objects of the loaded model kept out of garbage collection", gc.get_freeze_count()
    )
