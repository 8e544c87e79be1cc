"""Run gdpr-pseudonymizer in its own venv; it needs the spaCy model fr_core_news_lg."""

import importlib.util
import json
import sys
from importlib.metadata import version

texts = json.load(sys.stdin)
if importlib.util.find_spec("fr_core_news_lg") is None:
    reason = "needs the spaCy model fr_core_news_lg, downloaded from GitHub (not on PyPI)"
    json.dump({"version": version("gdpr-pseudonymizer"), "offline": reason}, sys.stdout)
    sys.exit(0)
from gdpr_pseudonymizer.nlp.hybrid_detector import HybridDetector  # noqa: E402

detector = HybridDetector()
detector.load_model("fr_core_news_lg")
out = []
for text in texts:
    entities = sorted(detector.detect_entities(text), key=lambda e: e.start_pos, reverse=True)
    for entity in entities:
        text = text[: entity.start_pos] + f"<{entity.entity_type}>" + text[entity.end_pos :]
    out.append(text)
json.dump({"version": version("gdpr-pseudonymizer"), "texts": out}, sys.stdout, ensure_ascii=False)
