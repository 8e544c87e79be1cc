"""bot/rasa_speedups.py saves CPU without changing what Rasa computes."""

import asyncio

from rasa.core.agent import Agent
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.training_data.loading import load_data

from bot import rasa_speedups
from bot.settings import PROJECT_ROOT, Settings
from bot.tools.benchmark import SCRIPT


def parses(agent: Agent, texts: list[str]) -> list[dict]:
    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse_all())


def test_nlu_parses_are_identical_without_spacy_ner(monkeypatch):
    rasa_speedups.install()
    agent = Agent.load(str(Settings().model))
    examples = load_data(str(PROJECT_ROOT / "data" / "nlu")).intent_examples
    texts = [*SCRIPT, *(example.get("text") for example in examples[::3])]

    fast = parses(agent, texts)
    monkeypatch.setattr(SpacyNLP, "_doc_for_text", SpacyNLP._doc_for_text.__wrapped__)
    assert parses(agent, texts) == fast


def test_the_loaded_model_is_kept_out_of_garbage_collection(assistant):
    """Frozen once the server has started (after the model loaded): full collections then
    skip the model's objects instead of stopping every turn for about half a second."""
    frozen = [line for line in assistant.output if "kept out of garbage collection" in line]
    assert len(frozen) == 1
    assert int(frozen[0].split(" - ")[1].split()[0]) > 500_000
