"""Put on PYTHONPATH of a process under test: every attempt to look up a host name or to
connect a socket anywhere but this machine is appended to $NETTRACE_LOG (one JSON line,
with the Python stack that made it). Nothing is blocked; the test reads the log."""

import ipaddress
import json
import os
import socket
import traceback

_LOG = os.environ.get("NETTRACE_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", socket.gethostname().lower(), ""}


def _is_local_host(host) -> bool:
    if host is None:
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _record(kind: str, target) -> None:
    if not _LOG:
        return
    stack = "".join(traceback.format_stack(limit=25)[:-2])
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps({"pid": os.getpid(), "kind": kind, "target": repr(target), "stack": stack}) + "\n")


_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    if not _is_local_host(host):
        _record("getaddrinfo", host)
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = getaddrinfo

_gethostbyname = socket.gethostbyname


def gethostbyname(host):
    if not _is_local_host(host):
        _record("gethostbyname", host)
    return _gethostbyname(host)


socket.gethostbyname = gethostbyname


def _checked(method):
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local_host(address[0]):
            _record(method.__name__, address)
        return method(self, address)

    connect.__name__ = method.__name__
    return connect


socket.socket.connect = _checked(socket.socket.connect)
socket.socket.connect_ex = _checked(socket.socket.connect_ex)
