"""The 0.1 module paths named by deployed endpoints.yml and credentials.yml still load."""

import pytest
from rasa.shared.utils.common import class_from_module_path

from bot.privacy.brokers import RedactingPikaEventBroker, RedactingSQLEventBroker
from bot.privacy.store import RedactingSQLTrackerStore
from bot.server.admin import AuditChannel
from bot.server.channels import GuardedRestInput, WidgetChannel
from bot.server.erasure import ErasureChannel
from bot.server.locks import AtomicRedisLockStore

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("old_path", "cls"),
    [
        ("bot.stores.RedactingSQLTrackerStore", RedactingSQLTrackerStore),
        ("bot.brokers.RedactingSQLEventBroker", RedactingSQLEventBroker),
        ("bot.brokers.RedactingPikaEventBroker", RedactingPikaEventBroker),
        ("bot.locks.AtomicRedisLockStore", AtomicRedisLockStore),
        ("bot.channels.GuardedRestInput", GuardedRestInput),
        ("bot.channels.WidgetChannel", WidgetChannel),
        ("bot.erasure.ErasureChannel", ErasureChannel),
        ("bot.admin.AuditChannel", AuditChannel),
    ],
)
def test_old_module_path_loads_the_same_class(old_path, cls):
    """Rasa loads `type:` and channel names this way: the alias gives the very same class."""
    assert class_from_module_path(old_path) is cls
