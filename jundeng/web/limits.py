"""Who is asking, by address: the client address behind trusted proxies, and the rate limiter keyed on it.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only from the proxies the
site trusts: ``$JUNDENG_TRUSTED_PROXIES`` (or ``jundeng serve --trusted-proxy``), addresses or networks
separated by commas or spaces, none by default. When the direct peer is one of them, the client is the
right-most address of the header that is not a trusted proxy (each proxy appends the address it saw, so the
entries on the left are the client's own claims); otherwise the header is ignored and the client is the
peer. The server must hand the app the real peer: ``jundeng serve`` turns uvicorn's own proxy-header
handling off (which by default believes the header from 127.0.0.1), and so must any other server the app
runs under (``uvicorn --no-proxy-headers``). Sign-in failures are counted per address by
:func:`jundeng.services.users.sign_in`; :data:`limiter` is slowapi's, keyed on the same address.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import re
from collections.abc import Iterable
from typing import Any

from slowapi import Limiter
from starlette.requests import Request

from jundeng.errors import JundengError

ENV = "JUNDENG_TRUSTED_PROXIES"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Proxies = tuple[Network, ...]


def parse_proxies(entries: str | Iterable[str] | None) -> Proxies:
    """Return the networks named by ``entries`` (addresses or CIDR networks, comma- or space-separated);
    raise JundengError naming a bad entry."""
    texts = [entries] if isinstance(entries, str) else list(entries or ())
    networks = []
    for word in (w for text in texts for w in re.split(r"[,\s]+", text) if w):
        try:
            networks.append(ipaddress.ip_network(word, strict=False))
        except ValueError as exc:
            raise JundengError(
                f"可信代理地址无效：{word}", f"not an address or network of a trusted proxy: {word}"
            ) from exc
    return tuple(networks)


@functools.lru_cache(maxsize=8)
def _from_environment(value: str) -> Proxies:
    return parse_proxies(value)


def trust_proxies(app: Any, proxies: Proxies | None) -> None:
    """Make ``app`` believe ``X-Forwarded-For`` from ``proxies`` only (None: from ``$JUNDENG_TRUSTED_PROXIES``)."""
    app.state.trusted_proxies = proxies


def trusted_proxies(app: Any) -> Proxies:
    """Return the proxies ``app`` trusts: set by :func:`trust_proxies`, else ``$JUNDENG_TRUSTED_PROXIES``."""
    found: Proxies | None = getattr(app.state, "trusted_proxies", None)
    return found if found is not None else _from_environment(os.environ.get(ENV, ""))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Return the address in an ``X-Forwarded-For`` entry or a peer (``1.2.3.4:5``, ``[::1]:5`` too), or None."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(text: str, proxies: Proxies) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in proxies)


def client_address(request: Request) -> str:
    """Return the client's address as the trusted proxies saw it (the direct peer when none is trusted)."""
    peer = request.client.host if request.client else ""
    proxies = trusted_proxies(request.app)
    if not proxies or not _trusted(peer, proxies):
        return peer or "unknown"
    hops = [h.strip() for value in request.headers.getlist("x-forwarded-for") for h in value.split(",")]
    hops = [h for h in hops if h]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            address = _address(hop)  # what the outermost trusted proxy saw; not an address: count the proxy
            return str(address) if address is not None else peer
    return str(_address(hops[0])) if hops else peer  # every hop is a trusted proxy: the first is the client


limiter = Limiter(key_func=client_address, default_limits=[])
