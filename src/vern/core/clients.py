"""Who is asking: the client's address as every rate limit in Vern reads it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_key(group: str, request: HttpRequest) -> str:
    """The client's address (its /64 network for IPv6), for django-ratelimit's ``key``.

    Behind reverse proxies the address comes from X-Forwarded-For, with the
    same proxy count as the login throttle (``VERN_PROXY_COUNT``). The key is
    hashed by django-ratelimit and kept only in the cache for the rate window.
    """
    from ipware import get_client_ip

    proxy_count = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None)
    order = getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", None) or ["REMOTE_ADDR"]
    try:
        found, _routable = get_client_ip(
            request, proxy_count=proxy_count, request_header_order=order
        )
        ip = ipaddress.ip_address(found or request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "") or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)
