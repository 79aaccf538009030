"""Public URLs of listing photo renditions: /media/listings/<photo id>/<rendition>-<version>.webp.

A county's media folder (TenantFileSystemStorage, MEDIA_ROOT/<schema>/...) is not served as a
directory: these URLs go through catalogue.views.listing_photo_file, which serves only the
renditions of approved listings of the host's own county. The version is a short hash of the
stored file's path and size, so a replaced photo gets a new URL and browsers and CDNs may keep
each one for a year (Cache-Control: immutable).
"""

import functools
import hashlib

from farmers.images import RENDITION_SIZES

URL_PREFIX = "/media/listings/"
VERSION_LENGTH = 10


@functools.lru_cache(maxsize=8192)
def _version(fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:VERSION_LENGTH]


def rendition_version(entry: dict) -> str:
    """Short hash of where and how big the rendition is: it changes when the file does.
    Remembered per fingerprint: every card of every list page needs three."""
    return _version(f"{entry.get('path', '')}|{entry.get('width')}x{entry.get('height')}")


def rendition_url(photo_id: int, name: str, entry: dict) -> str:
    """The public URL of one rendition (built without reverse(): it runs for every photo on a
    page; config.urls_county includes catalogue.urls at the root, which a test pins)."""
    return f"{URL_PREFIX}{photo_id}/{name}-{rendition_version(entry)}.webp"


def rendition_entry(photo, name: str, version: str) -> dict | None:
    """The photo's rendition `name` if its renditions are made and `version` is current."""
    if name not in RENDITION_SIZES or not photo.renditions_ready:
        return None
    entry = (photo.renditions or {}).get(name)
    if not isinstance(entry, dict) or not entry.get("path"):
        return None
    if rendition_version(entry) != version:
        return None
    return entry
