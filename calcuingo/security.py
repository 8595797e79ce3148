"""Who is asking: the client's address, taken from the connection or from trusted proxies only.

Throttles, the login lockout and the audit trail all key on this address, so a header anyone can
type must never decide it. `X-Forwarded-For` is read only when `TRUSTED_PROXY_COUNT` proxies
(our own load balancers) stand in front of the server, and then only the entry the outermost
trusted proxy appended: what the client put in front of it is ignored.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str | None:
    """The client's IP address: `REMOTE_ADDR`, or the one our trusted proxies saw.

    With N trusted proxies, each appended the address it received the request from, so the client
    is the N-th entry from the right of `X-Forwarded-For` (the first trusted proxy wrote it). A
    header with fewer entries than that came around a proxy, and its leftmost entry is used, as
    DRF's `NUM_PROXIES` does. `request` is a Django `HttpRequest` or a DRF `Request`.
    """
    meta = request.META
    remote = _address(meta.get("REMOTE_ADDR") or "")
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if trusted <= 0:
        return remote
    forwarded = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in forwarded if hop]
    if not hops:
        return remote
    return _address(hops[-min(trusted, len(hops))]) or remote
