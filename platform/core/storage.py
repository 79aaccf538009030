"""Media on S3-compatible object storage, one prefix per county (docs/adr/0022): the option to
the default TenantFileSystemStorage (MEDIA_ROOT/<schema>/...), chosen with
FENGSHOU_MEDIA_STORAGE=s3 (settings.base).

Objects are stored as <schema>/<name> in one bucket, so a county's files stay apart as they do
on disk, and a county's backup or removal is one prefix. The bucket stays private: URLs are the
site's own /media/<schema>/<name> (as on disk), answered by the views that check the host's
county and who is asking (core/media.py streams the object), never a bucket address.
"""

from django.conf import settings
from django.db import connection
from storages.backends.s3 import S3Storage


class CountyS3Storage(S3Storage):
    # Private objects; the views decide who sees them (no signed URLs are handed out).
    default_acl = "private"
    querystring_auth = False
    file_overwrite = False

    @property
    def location(self) -> str:
        """The current county's prefix (the connection's schema, like TenantFileSystemStorage)."""
        return connection.schema_name

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return f"{settings.MEDIA_URL}{connection.schema_name}/{name.lstrip('/')}"
