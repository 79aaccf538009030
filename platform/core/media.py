"""How a county's stored file reaches the browser: one function every media view calls, after
it has decided who may see the file (issue 12).

In development and tests Django streams the file. In production the web server does: with
FENGSHOU_MEDIA_ACCEL_PREFIX set (deploy/nginx/fengshou.conf), the response is empty and carries
X-Accel-Redirect: <prefix><path under MEDIA_ROOT>, which nginx answers from an `internal`
location that no browser can reach directly. The permission check stays in Django, the bytes
never pass through a Python worker.

`sendfile` is also Wagtail's SENDFILE_BACKEND (settings.base), so Wagtail's document view,
which checks the collection's privacy itself, hands its files over the same way.
"""

import mimetypes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse


def _accel_path(filename: str) -> str | None:
    """The internal URL of a file under MEDIA_ROOT, or None when nginx is not in front."""
    prefix = getattr(settings, "FENGSHOU_MEDIA_ACCEL_PREFIX", "")
    if not prefix:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        relative = Path(filename).resolve().relative_to(root)
    except ValueError:
        # Never hand nginx a path outside the media folder.
        raise Http404 from None
    return prefix.rstrip("/") + "/" + quote(relative.as_posix())


def sendfile(request, filename: str, mimetype: str | None = None, **_ignored) -> HttpResponse:
    """A response for the file at `filename` (an absolute path under MEDIA_ROOT)."""
    mimetype = mimetype or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    internal = _accel_path(filename)
    if internal is not None:
        response = HttpResponse(content_type=mimetype)
        response["X-Accel-Redirect"] = internal
        return response
    return FileResponse(open(filename, "rb"), content_type=mimetype)  # noqa: SIM115  (closed by the response)


def media_response(
    request, storage, name: str, *, content_type: str | None = None, cache_control: str = ""
) -> HttpResponse:
    """The stored file `name` of `storage` (the county's media storage: the path is inside the
    current county's folder), or a 404 when it is missing or its name leaves the folder.

    Callers have already checked that the person asking may see it."""
    try:
        path = storage.path(name)
    except SuspiciousFileOperation:
        raise Http404 from None
    except NotImplementedError:
        # A storage without local paths (object storage, core/storage.py): Django streams it.
        try:
            if not storage.exists(name):
                raise Http404
            file = storage.open(name, "rb")
        except (FileNotFoundError, SuspiciousFileOperation):
            raise Http404 from None
        response = FileResponse(file, content_type=content_type or mimetypes.guess_type(name)[0])
    else:
        if not Path(path).is_file():
            raise Http404
        response = sendfile(request, path, mimetype=content_type)
    if cache_control:
        response["Cache-Control"] = cache_control
    return response
