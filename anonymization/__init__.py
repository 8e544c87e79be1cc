"""French personal-data detection and redaction for Guichet (no Rasa dependency).

from anonymization import Redactor
redactor = Redactor.from_policy()
redactor.redact("je m'appelle marie lemoine", conversation_id="c1").text
# "je m'appelle <PERSON_1>"
"""

from anonymization.policy import Policy, PolicyError
from anonymization.redactor import Finding, RedactionResult, Redactor

__all__ = ["Finding", "Policy", "PolicyError", "RedactionResult", "Redactor"]
