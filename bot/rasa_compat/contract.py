"""The private names of Rasa 3.6 that Guichet relies on, with the parameters it relies on.

tests/test_rasa_compat.py checks each against the installed Rasa; a Rasa upgrade that renames
or reshapes one fails there first, not in production.
"""

from __future__ import annotations

from typing import NamedTuple


class PrivateName(NamedTuple):
    module: str
    qualname: str  # "Class.method" or "Class.attribute"
    parameters: tuple[str, ...] | None  # None: an attribute, not a callable
    used_by: str


PRIVATE_NAMES: tuple[PrivateName, ...] = (
    PrivateName(
        "rasa.core.tracker_store",
        "SQLTrackerStore._retrieve",
        ("self", "sender_id", "fetch_events_from_all_sessions"),
        "bot.privacy.store",
    ),
    PrivateName(
        "rasa.core.tracker_store",
        "SQLTrackerStore._event_query",
        ("self", "session", "sender_id", "fetch_events_from_all_sessions"),
        "bot.privacy.store",
    ),
    PrivateName(
        "rasa.core.tracker_store",
        "AwaitableTrackerStore._tracker_store",
        None,
        "bot.rasa_compat.wrapped_tracker_store",
    ),
    PrivateName(
        "rasa.core.tracker_store",
        "FailSafeTrackerStore._tracker_store",
        None,
        "bot.rasa_compat.wrapped_tracker_store",
    ),
    PrivateName(
        "rasa.core.brokers.pika",
        "PikaEventBroker._publish",
        ("self", "event", "headers"),
        "bot.privacy.brokers",
    ),
    PrivateName(
        "rasa.core.brokers.pika",
        "PikaEventBroker._message",
        ("self", "event", "headers"),
        "bot.privacy.brokers",
    ),
    PrivateName("rasa.core.brokers.pika", "PikaEventBroker._exchange", None, "bot.privacy.brokers"),
    PrivateName("rasa.core.brokers.pika", "PikaEventBroker._loop", None, "bot.privacy.brokers"),
    PrivateName(
        "rasa.nlu.utils.spacy_utils",
        "SpacyNLP._doc_for_text",
        ("self", "model", "text"),
        "bot.rasa_compat.speedups",
    ),
    PrivateName(
        "rasa.core.actions.action",
        "RemoteAction._validate_action_result",
        ("self", "result"),
        "bot.rasa_compat.speedups",
    ),
)
