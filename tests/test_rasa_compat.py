"""bot/rasa_compat: the Rasa private names we rely on still exist as we use them; the version
gate refuses another Rasa; installing is idempotent (and explicit: tests/test_layout.py)."""

import importlib
import inspect
import re

import pytest

from bot import rasa_compat
from bot.rasa_compat.contract import PRIVATE_NAMES, PrivateName

pytestmark = pytest.mark.unit


def _owner_and_name(name: PrivateName):
    class_name, attribute = name.qualname.split(".")
    return getattr(importlib.import_module(name.module), class_name), attribute


@pytest.mark.parametrize("name", PRIVATE_NAMES, ids=lambda name: name.qualname)
def test_private_name_exists_with_the_signature_we_rely_on(name):
    owner, attribute = _owner_and_name(name)
    if name.parameters is None:  # an attribute that Rasa sets on its instances
        source = inspect.getsource(owner)
        assert re.search(rf"self\.{attribute}\b[^=\n]*=", source), name
        return
    member = inspect.getattr_static(owner, attribute)
    function = getattr(member, "__wrapped__", member)  # unwrap our own speed-ups
    assert tuple(inspect.signature(function).parameters) == name.parameters


def test_server_agent_reads_where_rasa_keeps_it():
    from rasa.server import create_app

    agent = object()
    assert rasa_compat.server_agent(create_app(agent=agent)) is agent


def test_wrapped_tracker_store_unwraps_rasa_s_wrappers():
    from rasa.core.tracker_store import (
        AwaitableTrackerStore,
        FailSafeTrackerStore,
        InMemoryTrackerStore,
    )
    from rasa.shared.core.domain import Domain

    store = InMemoryTrackerStore(Domain.empty())
    wrapped = AwaitableTrackerStore(FailSafeTrackerStore(store))
    assert rasa_compat.wrapped_tracker_store(rasa_compat.wrapped_tracker_store(wrapped)) is store
    assert rasa_compat.wrapped_tracker_store(store) is None


@pytest.mark.parametrize("version", ["3.5.17", "3.7.0", "4.0.0", "2.6.1"])
def test_another_rasa_is_refused_clearly(version):
    with pytest.raises(rasa_compat.UnsupportedRasa, match=rf"needs Rasa 3\.6\.x, found {version}"):
        rasa_compat.check_version(version)


@pytest.mark.parametrize("version", ["3.6.0", "3.6.21", "3.6.21rc1"])
def test_rasa_3_6_is_accepted(version):
    rasa_compat.check_version(version)


def test_install_is_idempotent():
    from rasa.core.actions.action import RemoteAction
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.core.events import Event

    rasa_compat.install()
    patched = (SpacyNLP._doc_for_text, RemoteAction._validate_action_result, Event.resolve_by_type)
    rasa_compat.install()
    assert (
        SpacyNLP._doc_for_text,
        RemoteAction._validate_action_result,
        Event.resolve_by_type,
    ) == patched
    for method in patched:  # one layer over Rasa's own, not two
        assert not hasattr(method.__wrapped__, "__wrapped__")
