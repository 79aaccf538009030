"""The address of the person making a request, for per-IP throttles (SMS codes).

Behind reverse proxies REMOTE_ADDR is the nearest proxy's address: throttling on it would
throttle everyone together. X-Forwarded-For cannot be trusted as a whole either, because a
client can send the header itself. Each proxy appends the address it received the request
from, so with N proxies of ours in front (FENGSHOU_TRUSTED_PROXY_COUNT) the client's address
is the N-th entry from the right. Anything to its left was written by the client and is
ignored. With 0 proxies (development, tests, a bare gunicorn) REMOTE_ADDR is the client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "FENGSHOU_TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        # Fewer hops than proxies: the request did not come through all of them (a
        # misconfiguration or a request straight to the app server); the peer is what we know.
        return remote
    return _address(hops[-proxies]) or remote
