"""Which addresses a fetch may connect to: in serve mode, never the server's own network.

A reader served by ``tui-reader serve`` is a remote user; a URL they save or subscribe to
must not make the server fetch ``http://127.0.0.1:6379/`` or the cloud metadata service. The
check runs on the addresses a host name resolves to (so a public-looking name pointing
inside is caught), on every redirect (each hop connects anew), and the connection goes to
the very address that was checked (so a second DNS answer cannot swap it: no rebinding).

:func:`policy_from_env` is the one place that reads whether this process is served
(``TUI_READER_SERVED=1``, set by the server for its readers) and whether the operator allowed
private addresses (``TUI_READER_ALLOW_PRIVATE=1``, from ``serve --allow-private-addresses``).

Pure module apart from name resolution: no Textual.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from tui_reader.core.config import is_served, private_addresses_allowed
from tui_reader.feeds.model import FeedError

__all__ = [
    "AddressRefused",
    "NetPolicy",
    "blocked_reason",
    "policy_from_env",
    "system_resolver",
]

Resolver = Callable[[str, int], list[str]]
"""Turns a host name and port into IP address strings (raises ``socket.gaierror``)."""

_Net = ipaddress.IPv4Network | ipaddress.IPv6Network
_BLOCKED: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "a 'this network' address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a carrier-grade NAT address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address (cloud metadata lives there)"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "a reserved address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a benchmarking address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
    ("::/128", "the unspecified address"),
    ("::1/128", "a loopback address"),
    ("fc00::/7", "a private address"),
    ("fe80::/10", "a link-local address"),
    ("ff00::/8", "a multicast address"),
)
_NETWORKS: tuple[tuple[_Net, str], ...] = tuple(
    (ipaddress.ip_network(net), why) for net, why in _BLOCKED
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


class AddressRefused(FeedError):
    """A fetch was refused because it would reach a private address."""


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4, Teredo, compat)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or (ip in _V4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def blocked_reason(address: str) -> str | None:
    """Why ``address`` may not be fetched in serve mode, or None when it is public.

    Args:
        address: An IPv4 or IPv6 address as text (an IPv6 zone, ``%eth0``, is ignored).
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            return blocked_reason(str(inner))
    for network, why in _NETWORKS:
        if ip.version == network.version and ip in network:
            return why
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for ``host``, in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class NetPolicy:
    """Where connections may go, and how names are resolved.

    Attributes:
        refuse_private: Refuse loopback, private, link-local and similar addresses.
        resolve: Name resolution (tests pass a table instead of asking DNS).
        reroute: Tests only: maps a checked ``(address, port)`` to where the socket really
            connects, so a "public" test address can reach a server on 127.0.0.1. The check
            always runs on the address before rerouting.
    """

    refuse_private: bool = False
    resolve: Resolver = field(default=system_resolver)
    reroute: Callable[[str, int], tuple[str, int]] | None = None

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for ``host``, all of them checked.

        Raises:
            AddressRefused: In serve mode, when any address ``host`` resolves to is private
                (a name that points both outside and inside is refused whole).
            OSError: ``socket.gaierror`` when the name does not resolve.
        """
        host = host.strip("[]")
        found = self.resolve(host, port)
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, "no address")
        if self.refuse_private:
            for address in found:
                why = blocked_reason(address)
                if why is not None:
                    name = f"[{host}]" if ":" in host else host
                    shown = name if host == address else f"{name} ({address})"
                    raise AddressRefused(
                        f"refused to fetch {shown}: {why}; a served reader may only fetch "
                        "public addresses (the operator can allow more with "
                        "'tui-reader serve --allow-private-addresses')"
                    )
        return found


def policy_from_env() -> NetPolicy:
    """The policy for this process: private addresses refused when served and not allowed."""
    return NetPolicy(refuse_private=is_served() and not private_addresses_allowed())
