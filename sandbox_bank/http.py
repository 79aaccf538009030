"""SANDBOX BANK: a form POST over plain urllib, for notifies to county hosts.

`*.localhost` names do not resolve everywhere (glibc without systemd-resolved), so for them the
request goes to 127.0.0.1 with the original Host header: the county is still chosen by host.
"""

import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit, urlunsplit


def http_post_form(url: str, data: dict, *, timeout: float) -> tuple[int, bytes]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"refusing to post to {url!r}")
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if parts.hostname and parts.hostname.endswith(".localhost"):
        headers["Host"] = parts.netloc
        netloc = f"127.0.0.1:{parts.port}" if parts.port else "127.0.0.1"
        url = urlunsplit(parts._replace(netloc=netloc))
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url, data=urlencode(data).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
