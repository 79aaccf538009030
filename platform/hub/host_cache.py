"""Each worker process's memory of host -> county (DESIGN.md section 8).

A county request would otherwise cost a domain query on every request. Entries live
FENGSHOU_HOST_CACHE_SECONDS; any change to a county or domain in this process clears them at
once (hub.signals), and other processes see it within the TTL.
"""

import time

from django.conf import settings

from hub.models import CountyDomain

_entries: dict[str, tuple[float, object]] = {}


def county_for_host(hostname: str):
    """The County serving this host name, or None. Unknown hosts are remembered too, so a
    flood of bad hosts cannot turn into a flood of queries."""
    now = time.monotonic()
    entry = _entries.get(hostname)
    if entry is not None and entry[0] > now:
        return entry[1]
    domain = (
        CountyDomain.objects.select_related("tenant")
        .filter(domain=hostname, tenant__is_template=False)
        .first()
    )
    county = domain.tenant if domain else None
    ttl = settings.FENGSHOU_HOST_CACHE_SECONDS
    if ttl > 0:
        _entries[hostname] = (now + ttl, county)
    return county


def host_cache_clear() -> None:
    _entries.clear()
