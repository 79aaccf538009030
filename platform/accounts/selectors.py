"""Reads for accounts: what the phone-login throttles see."""

import math
from datetime import datetime, timedelta

from accounts.models import SmsCode, User

# One code per mobile per minute: long enough for a slow SMS to arrive before "resend".
SMS_CODE_MOBILE_INTERVAL = timedelta(seconds=60)
# Five codes per mobile per hour bounds guessing (5 codes x 5 tries of 1,000,000) and cost.
SMS_CODES_PER_MOBILE_PER_HOUR = 5
# Per county and client IP. Generous on purpose: a service-point tablet signs in many villagers
# from one address, and mobile carriers put whole towns behind a few NAT addresses.
SMS_CODES_PER_IP_PER_HOUR = 30
SMS_THROTTLE_WINDOW = timedelta(hours=1)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def sms_code_request_wait_seconds(*, mobile: str, ip: str | None, now: datetime) -> int:
    """How long this mobile (and IP) must wait before another code may be sent; 0 if now.

    Counts SmsCode rows of the current county schema: they are the record of every code sent,
    roll back with the request that failed, and need no cache cleanup in tests. The indexes on
    (mobile, purpose, created_at) and (request_ip, created_at) keep each count to a few rows.
    """
    window_start = now - SMS_THROTTLE_WINDOW
    recent = list(
        SmsCode.objects.filter(
            mobile=mobile, purpose=SmsCode.Purpose.LOGIN, created_at__gt=window_start
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:SMS_CODES_PER_MOBILE_PER_HOUR]
    )
    waits = []
    if recent and recent[0] + SMS_CODE_MOBILE_INTERVAL > now:
        waits.append(_seconds_until(recent[0] + SMS_CODE_MOBILE_INTERVAL, now))
    if len(recent) >= SMS_CODES_PER_MOBILE_PER_HOUR:
        waits.append(_seconds_until(recent[-1] + SMS_THROTTLE_WINDOW, now))
    if ip:
        by_ip = SmsCode.objects.filter(request_ip=ip, created_at__gt=window_start).order_by(
            "-created_at"
        )
        oldest_counted = by_ip.values_list("created_at", flat=True)[
            SMS_CODES_PER_IP_PER_HOUR - 1 : SMS_CODES_PER_IP_PER_HOUR
        ]
        if oldest_counted:
            waits.append(_seconds_until(oldest_counted[0] + SMS_THROTTLE_WINDOW, now))
    return max(waits, default=0)


def user_county_figures() -> dict:
    """The province's roll-up of the current county (core.county_apps): registered users."""
    return {"users": User.objects.count()}
