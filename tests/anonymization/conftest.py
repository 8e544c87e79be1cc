"""Shared fixtures: one Redactor per session, built and used with the network cut off."""

import socket

import pytest

LOOPBACK = ("127.0.0.1", "::1", "localhost")


class NetworkAccess(AssertionError):
    """Raised when code under test tries to leave the machine."""


def _guarded_connect(original):
    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in LOOPBACK and sock.family != socket.AF_UNIX:
            raise NetworkAccess(f"network access to {host}")
        return original(sock, address)

    return connect


@pytest.fixture(scope="session", autouse=True)
def no_network():
    """Any non-loopback socket.connect raises, for the whole session."""
    patch = pytest.MonkeyPatch()
    patch.setattr(socket.socket, "connect", _guarded_connect(socket.socket.connect))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def redactor(no_network):
    from anonymization import Redactor

    return Redactor.from_policy()
