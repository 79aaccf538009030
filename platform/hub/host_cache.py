"""Each worker process's memory of host -> county (DESIGN.md section 8).

A county request would otherwise cost a domain query on every request. Entries live
FENGSHOU_HOST_CACHE_SECONDS; any change to a county or domain in this process clears them at
once (hub.signals), and other processes see it within the TTL.
"""

import time

from django.conf import settings

from hub.models import CountyDomain

_entries: dict[str, tuple[float, object]] = {}
# Unknown hosts are remembered too, and anyone can send any Host header: without a bound, a
# scan of random names would grow each worker's memory without end (issue 12). A province has
# a few hundred real host names; past this many entries the oldest go first.
MAX_ENTRIES = 2048


def _remember(hostname: str, expires: float, county, now: float) -> None:
    if hostname not in _entries and len(_entries) >= MAX_ENTRIES:
        for name in [name for name, (until, _c) in _entries.items() if until <= now]:
            del _entries[name]
        while len(_entries) >= MAX_ENTRIES:
            del _entries[next(iter(_entries))]  # dicts keep insertion order: the oldest
    _entries[hostname] = (expires, county)


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
        _remember(hostname, now + ttl, county, now)
    return county


def host_cache_clear() -> None:
    _entries.clear()
