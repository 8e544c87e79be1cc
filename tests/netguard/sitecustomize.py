"""Network guard for tests: loaded into every Python process of a test server.

When GUICHET_NETGUARD_LOG is set, any attempt to resolve or connect to a host outside the
loopback interface is blocked and recorded in that file (host only, never payloads).
"""

import ipaddress
import os
import sys

_LOG = os.environ.get("GUICHET_NETGUARD_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]")
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _guard(event, args):
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else None  # AF_UNIX paths are local
    elif event == "socket.getaddrinfo":
        host = args[0]
    else:
        return
    if not _is_local(host):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {event} {host}\n")
        raise OSError(f"netguard: connection outside loopback blocked ({host})")


if _LOG:
    sys.addaudithook(_guard)
