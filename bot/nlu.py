"""Guichet's own NLU component: the entities come from the catalogue, not from a model.

Procedure names, case words ("perdu", "né à l'étranger") and ages form a closed vocabulary,
listed in data/knowledge/ (aliases, cases.yml). The extractor finds exactly what the generated
training examples annotate (actions/vocabulary.py); it reads the catalogue when the server
starts, and never tags a word outside the lists. Which sense a name is used in ("procuration"
on a bank account) is left to the catalogue matcher.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

if TYPE_CHECKING:
    from actions.vocabulary import Vocabulary


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class CatalogueEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts `procedure` (the procedure id), `situation` (the case key) and `age`."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The catalogue directory; None is the project's data/knowledge.
        return {"knowledge": None}

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CatalogueEntityExtractor:
        # Imported here, when Rasa builds the pipeline: importing the actions package installs
        # the redacting log filter, and importing this module must change nothing.
        from actions.catalogue import KNOWLEDGE_DIR, Catalogue
        from actions.vocabulary import Vocabulary

        directory = Path(config["knowledge"]) if config.get("knowledge") else KNOWLEDGE_DIR
        return cls(Vocabulary(Catalogue.load(directory)))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = [
                {
                    ENTITY_ATTRIBUTE_TYPE: span.entity,
                    ENTITY_ATTRIBUTE_START: span.start,
                    ENTITY_ATTRIBUTE_END: span.end,
                    ENTITY_ATTRIBUTE_VALUE: span.value,
                    ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
                }
                for span in self._vocabulary.entities(text)
            ]
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(entities),
                add_to_output=True,
            )
        return messages
