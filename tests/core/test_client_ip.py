"""core.client_ip: the client's address behind our reverse proxies, for per-IP throttles;
what a client writes into X-Forwarded-For itself is never believed."""

import pytest
from django.test import RequestFactory

from accounts.models import SmsCode
from accounts.selectors import SMS_CODES_PER_IP_PER_HOUR
from accounts.services import sms_code_request
from core.client_ip import client_ip
from tests.fixtures.counties import SchemaKeepingClient, host_of

PROXY = "10.0.0.5"


def _request(forwarded_for: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_peer_is_the_client_whatever_the_header_says(settings):
    settings.FENGSHOU_TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request("1.2.3.4", remote="203.0.113.9")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # The client sent its own header: the proxy appended the real address after it.
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        # Not through every proxy, or not an address: the peer is what we know.
        (2, "203.0.113.9", PROXY),
        (1, "", PROXY),
        (1, "unknown", PROXY),
    ],
)
def test_behind_proxies_the_client_is_counted_from_the_right(
    settings, proxies, forwarded_for, expected
):
    settings.FENGSHOU_TRUSTED_PROXY_COUNT = proxies

    assert client_ip(_request(forwarded_for)) == expected


def _ask_code(county, mobile: str, forwarded_for: str):
    client = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county)
    return client.post(
        "/account/login/",
        {"step": "mobile", "mobile": mobile},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_the_sms_throttle_counts_each_villager_behind_the_proxy_apart(
    settings, county, in_county, django_capture_on_commit_callbacks
):
    """Everyone reaches the app through the same proxy: one busy address must not stop the
    others, and a forged header must not dodge the throttle."""
    settings.FENGSHOU_TRUSTED_PROXY_COUNT = 1
    for number in range(SMS_CODES_PER_IP_PER_HOUR):
        sms_code_request(mobile=f"1370000{number:04d}", ip="203.0.113.9")

    with django_capture_on_commit_callbacks(execute=False):
        busy = _ask_code(county, "13800009001", "203.0.113.9")
        forged = _ask_code(county, "13800009002", "198.51.100.1, 203.0.113.9")
        other = _ask_code(county, "13800009003", "203.0.113.10")

    assert (busy.status_code, forged.status_code) == (429, 429)
    assert other.status_code == 303  # on to the code step
    assert list(
        SmsCode.objects.filter(mobile__startswith="1380000").values_list("mobile", "request_ip")
    ) == [("13800009003", "203.0.113.10")]
