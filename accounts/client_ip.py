"""The address a request came from, for django-axes' lockouts."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR or, behind settings.PROXY_COUNT proxies, the address the outermost
    proxy was sent the request from.

    Each proxy appends the address it received the request from to
    X-Forwarded-For, so the last PROXY_COUNT entries are written by trusted proxies
    and the first of those is the client's; anything to its left the client may
    have written itself. A header with too few entries, or an entry that is not an
    address, gives REMOTE_ADDR (the proxy), which locks more, never less.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
