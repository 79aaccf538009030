"""The county's public media: Wagtail's images and their renditions (banners, page images,
the admin's thumbnails), from this county's own media folder (issue 12).

Only the folders Wagtail keeps public images in are served here. Everything else in the
county's folder is private and has its own view that checks who is asking: refund photos
(county_sites.orders), consent forms (county_sites.clerk), listing originals (farmers); the
storefront's listing renditions are county_sites.catalogue.views.listing_photo_file and
documents go through Wagtail's document view, which applies collection privacy.
"""

import posixpath

from django.core.files.storage import default_storage
from django.http import Http404
from django.views.decorators.http import require_safe

from core.media import media_response

# Wagtail's folders (wagtail.images: AbstractImage.get_upload_to, AbstractRendition).
PUBLIC_FOLDERS = ("images/", "original_images/")
# A rendition's name changes with the image or its focal point; a day is a safe freshness.
PUBLIC_MEDIA_CACHE_CONTROL = "public, max-age=86400"


@require_safe
def public_media(request, schema: str, name: str):
    """/media/<schema>/<name>: TenantFileSystemStorage's URLs name the county's folder; another
    county's folder on this host is a 404, as is any name that is not plainly inside a public
    folder (`..`, backslashes, doubled slashes)."""
    if schema != request.tenant.schema_name:
        raise Http404
    if not name.startswith(PUBLIC_FOLDERS) or "\\" in name or posixpath.normpath(name) != name:
        raise Http404
    return media_response(request, default_storage, name, cache_control=PUBLIC_MEDIA_CACHE_CONTROL)
