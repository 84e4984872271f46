"""A fixture for unit tests that must not touch a socket: any connection attempt raises."""

import socket
from collections.abc import Iterator

import pytest


class NetworkUsed(AssertionError):
    """A unit test tried to open a connection."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Connecting a socket, resolving a name or `socket.create_connection` raises NetworkUsed. (The
    event loop's own socketpair is left alone: it connects nothing.)"""

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed(f"a unit test tried the network: {args[1:] or args}")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
