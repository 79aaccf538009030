"""Reads for accounts: what the phone-login throttles see, and a person's consents."""

import math
from datetime import datetime, timedelta

from accounts.models import Consent, SharingRecord, SmsCode, User
from accounts.privacy import purpose_notice
from core.county_apps import MonthFigures

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


def sms_code_request_wait_seconds(
    *, mobile: str, ip: str | None, now: datetime, purpose: str = SmsCode.Purpose.LOGIN
) -> int:
    """How long this mobile (and IP) must wait before another `purpose` code may be sent; 0
    if now. The per-IP count covers every purpose: one tablet, one budget.

    Counts SmsCode rows of the current county schema: they are the record of every code sent,
    roll back with the request that failed, and need no cache cleanup in tests. The indexes on
    (mobile, purpose, created_at) and (request_ip, created_at) keep each count to a few rows.
    """
    window_start = now - SMS_THROTTLE_WINDOW
    recent = list(
        SmsCode.objects.filter(mobile=mobile, purpose=purpose, created_at__gt=window_start)
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


def consent_list_for_user(*, user) -> list[Consent]:
    """Every consent `user` gave, the newest first, with who recorded it."""
    return list(
        Consent.objects.filter(user=user).select_related("recorded_by").order_by("-given_at", "-id")
    )


def consent_current(*, user, purpose: str = Consent.Purpose.PLATFORM_PRIVACY) -> Consent | None:
    """The newest consent of `user` to `purpose` that is not revoked, or None."""
    return (
        Consent.objects.filter(user=user, purpose=purpose, revoked_at__isnull=True)
        .order_by("-given_at", "-id")
        .first()
    )


def user_sms_mobile(*, user) -> str:
    """Where a text for `user` goes: their own mobile, else the proxy named in their current
    platform consent (a villager without a phone); "" when there is neither."""
    if user.mobile:
        return user.mobile
    consent = consent_current(user=user)
    return consent.proxy_mobile if consent is not None else ""


def consents_by_purpose(*, user) -> list[dict]:
    """For the account page: each purpose with its current notice, the person's live consent
    (or None) and their earlier, withdrawn ones."""
    given = consent_list_for_user(user=user)
    rows = []
    for purpose in Consent.Purpose:
        mine = [consent for consent in given if consent.purpose == purpose.value]
        rows.append(
            {
                "purpose": purpose.value,
                "label": purpose.label,
                "notice": purpose_notice(purpose.value),
                "live": next((consent for consent in mine if consent.is_active), None),
                "history": [consent for consent in mine if not consent.is_active],
            }
        )
    return rows


def sharing_records_for_user(*, user) -> list:
    """What of `user`'s data went to whom and when, the newest first."""
    return list(SharingRecord.objects.filter(user=user).select_related("consent"))


def user_month_figures(start: datetime, end: datetime) -> MonthFigures:
    """The province's monthly roll-up (hub.rollups): accounts registered before the month's
    end, and those registered within it."""
    return MonthFigures(
        county={
            "users_total": User.objects.filter(date_joined__lt=end).count(),
            "users_new": User.objects.filter(date_joined__gte=start, date_joined__lt=end).count(),
        }
    )


def user_activity_start() -> datetime | None:
    return User.objects.order_by("date_joined").values_list("date_joined", flat=True).first()
