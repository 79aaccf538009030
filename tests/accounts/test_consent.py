"""Consents (accounts.services.consent_record): what a person agreed to, when, how and who
recorded it; written once, only ever revoked. And the mobile number as typed at a counter."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from accounts.models import Consent, SmsCode
from accounts.privacy import PLATFORM_NOTICE_CURRENT, PLATFORM_NOTICES, platform_notice_current
from accounts.selectors import consent_current, consent_list_for_user, user_sms_mobile
from accounts.services import (
    CONSENT_ALREADY_REVOKED,
    CONSENT_NOTICE_UNKNOWN,
    CONSENT_PHOTO_INVALID,
    CONSENT_PHOTO_NEEDED,
    CONSENT_PROXY_NEEDED,
    CONSENT_RECORDER_NEEDED,
    CONSENT_SELF_ONLY,
    MOBILE_INVALID,
    SMS_CODE_MISSING,
    consent_record,
    consent_revoke,
    mobile_normalize,
    sms_code_request,
    sms_code_send,
    sms_code_spend,
    user_create_resident_without_mobile,
    user_resident_get_or_create,
)
from core.errors import ApplicationError
from tests.factories.orders import ResidentFactory

M = Consent.Method


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (240, 240, 230)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def villager(in_county):
    return ResidentFactory(username="13900001111", mobile="13900001111")


@pytest.fixture
def recorder(in_county):
    return ResidentFactory(username="13700137555", mobile="13700137555")


def _rows():
    return list(Consent.objects.order_by("pk").values())


def _files(settings):
    return sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


# ------------------------------------------------------------------------------
# The mobile number as typed
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    ["13900001111", "139 0000 1111", "139-0000-1111", "+86 139 0000 1111", "１３９００００１１１１",
     "１３９　００００　１１１１", "＋８６１３９００００１１１１"],
)  # fmt: skip
def test_spaces_dashes_prefix_and_full_width_digits_are_one_number(typed):
    assert mobile_normalize(mobile=typed) == "13900001111"


@pytest.mark.parametrize("typed", ["١٣٩٠٠٠٠١١١١", "۱۳۹۰۰۰۰۱۱۱۱", "1③900001111", "1³900001111"])
def test_other_scripts_digits_and_look_alikes_are_refused(typed):
    with pytest.raises(ApplicationError) as refused:
        mobile_normalize(mobile=typed)

    assert (refused.value.message, refused.value.field) == (MOBILE_INVALID, "mobile")


def test_a_full_width_number_finds_the_existing_account(villager):
    found = user_resident_get_or_create(mobile=mobile_normalize(mobile="１３９ ００００ １１１１"))

    assert found.pk == villager.pk


# ------------------------------------------------------------------------------
# Recording
# ------------------------------------------------------------------------------
def test_a_consent_by_sms_at_a_counter_records_what_when_how_and_who(villager, recorder):
    before = timezone.now()

    consent = consent_record(
        actor=recorder,
        user=villager,
        method=M.SMS_OWN,
        confirmed_mobile="13900001111",
        point_name="递铺服务点",
    )

    consent.refresh_from_db()
    assert (
        consent.user_id,
        consent.purpose,
        consent.notice_version,
        consent.method,
        consent.confirmed_mobile,
        consent.proxy_mobile,
        consent.paper_photo.name,
        consent.recorded_by_id,
        consent.recorded_at_point,
        consent.revoked_at,
    ) == (
        villager.pk,
        "platform_privacy",
        PLATFORM_NOTICE_CURRENT,
        "sms_own",
        "13900001111",
        "",
        "",
        recorder.pk,
        "递铺服务点",
        None,
    )
    assert before <= consent.given_at <= timezone.now()
    assert consent_current(user=villager) == consent
    assert consent_list_for_user(user=villager) == [consent]


def test_the_current_notice_is_versioned_and_has_text():
    notice = platform_notice_current()

    assert notice.version == PLATFORM_NOTICE_CURRENT
    assert PLATFORM_NOTICES[notice.version] is notice
    assert len(notice.paragraphs) >= 3
    assert all(str(paragraph).strip() for paragraph in notice.paragraphs)


def test_online_consent_only_by_the_person_themselves(villager, recorder):
    with pytest.raises(ApplicationError) as refused:
        consent_record(actor=recorder, user=villager, method=M.SELF_ONLINE)

    assert refused.value.message == CONSENT_SELF_ONLY
    assert _rows() == []

    own = consent_record(actor=villager, user=villager, method=M.SELF_ONLINE)
    assert (own.method, own.recorded_by_id) == ("self_online", None)


def test_a_consent_taken_for_someone_needs_who_took_it(villager):
    with pytest.raises(ApplicationError) as refused:
        consent_record(actor=None, user=villager, method=M.SMS_OWN, confirmed_mobile="13900001111")

    assert refused.value.message == CONSENT_RECORDER_NEEDED
    assert _rows() == []


def test_an_unknown_notice_version_is_refused(villager, recorder):
    with pytest.raises(ApplicationError) as refused:
        consent_record(
            actor=recorder,
            user=villager,
            method=M.SMS_OWN,
            confirmed_mobile="13900001111",
            notice_version="1999-01-01",
        )

    assert refused.value.message == CONSENT_NOTICE_UNKNOWN
    assert _rows() == []


@pytest.mark.parametrize(
    ("method", "extra", "message"),
    [
        (M.SMS_PROXY, {"proxy_mobile": "", "proxy_relation": "儿子"}, CONSENT_PROXY_NEEDED),
        (M.SMS_PROXY, {"proxy_mobile": "13600002222", "proxy_relation": " "}, CONSENT_PROXY_NEEDED),
        (M.SMS_PROXY, {"proxy_mobile": "13600002222", "proxy_relation": "儿子"}, None),
        (M.PAPER, {}, None),
    ],
)
def test_proxy_and_paper_consents_need_the_proxy_and_the_form_photo(
    in_county, recorder, settings, method, extra, message
):
    villager = user_create_resident_without_mobile(name="张奶奶")
    kwargs = {"confirmed_mobile": "13600002222"} if method == M.SMS_PROXY else {}

    with pytest.raises(ApplicationError) as refused:
        consent_record(actor=recorder, user=villager, method=method, **kwargs, **extra)

    assert refused.value.message == (message or CONSENT_PHOTO_NEEDED)
    assert _rows() == []
    assert _files(settings) == []


def test_a_paper_form_photo_is_kept_under_a_random_name(in_county, recorder, settings):
    villager = user_create_resident_without_mobile(name="张奶奶")

    consent = consent_record(
        actor=recorder,
        user=villager,
        method=M.SMS_PROXY,
        confirmed_mobile="13600002222",
        proxy_mobile="13600002222",
        proxy_relation="儿子",
        paper_photo=_jpeg(),
        point_name="递铺服务点",
    )

    # consents/<32 random hex>.jpg: nothing of the person (their id could appear by chance
    # inside the hex, so the shape is checked, not the absence of the id).
    assert re.fullmatch(r"consents/[0-9a-f]{32}\.jpg", consent.paper_photo.name)
    with consent.paper_photo.open("rb") as stored:
        assert stored.read() == _jpeg()
    # Texts for a villager without a phone go to the proxy they named.
    assert user_sms_mobile(user=villager) == "13600002222"


def test_a_file_that_is_not_a_picture_is_refused(in_county, recorder, settings):
    villager = user_create_resident_without_mobile(name="张奶奶")

    with pytest.raises(ApplicationError) as refused:
        consent_record(actor=recorder, user=villager, method=M.PAPER, paper_photo=b"%PDF-1.4")

    assert (refused.value.message, refused.value.field) == (CONSENT_PHOTO_INVALID, "photo")
    assert _rows() == []
    assert _files(settings) == []


# ------------------------------------------------------------------------------
# Revoking
# ------------------------------------------------------------------------------
def test_revoking_keeps_the_record_and_says_when_and_by_whom(villager, recorder):
    consent = consent_record(
        actor=recorder, user=villager, method=M.SMS_OWN, confirmed_mobile="13900001111"
    )
    given = list(Consent.objects.filter(pk=consent.pk).values())[0]
    later = timezone.now() + timedelta(minutes=5)

    revoked = consent_revoke(actor=recorder, consent=consent, now=later)

    after = list(Consent.objects.filter(pk=consent.pk).values())[0]
    assert (revoked.revoked_at, revoked.revoked_by_id) == (later, recorder.pk)
    # Nothing else changed.
    assert {k: v for k, v in after.items() if k not in ("revoked_at", "revoked_by_id")} == {
        k: v for k, v in given.items() if k not in ("revoked_at", "revoked_by_id")
    }
    assert consent_current(user=villager) is None
    assert consent_list_for_user(user=villager) == [consent]


def test_a_consent_is_revoked_once(villager, recorder):
    consent = consent_record(
        actor=recorder, user=villager, method=M.SMS_OWN, confirmed_mobile="13900001111"
    )
    consent_revoke(actor=recorder, consent=consent)
    before = _rows()

    with pytest.raises(ApplicationError) as refused:
        consent_revoke(actor=villager, consent=consent)

    assert refused.value.message == CONSENT_ALREADY_REVOKED
    assert _rows() == before


def test_user_sms_mobile_is_their_own_number_first(villager, recorder):
    assert user_sms_mobile(user=villager) == "13900001111"


# ------------------------------------------------------------------------------
# Codes have a purpose
# ------------------------------------------------------------------------------
def test_a_login_code_cannot_confirm_a_consent(villager):
    sms_code_request(mobile="13900001111", ip="10.0.0.1")

    with pytest.raises(ApplicationError) as refused:
        sms_code_spend(mobile="13900001111", code="000000", purpose=SmsCode.Purpose.CONSENT)

    assert refused.value.message == SMS_CODE_MISSING
    login_code = SmsCode.objects.get(purpose="login")
    assert (login_code.used_at, login_code.attempts) == (None, 0)


def test_a_consent_code_does_not_wait_for_a_login_code_of_the_same_number(villager):
    sms_code_request(mobile="13900001111", ip="10.0.0.1")

    sent = sms_code_send(
        mobile="13900001111",
        purpose=SmsCode.Purpose.CONSENT,
        text="%(code)s %(minutes)s",
        ip="10.0.0.1",
    )

    assert sent.purpose == "consent"
    assert SmsCode.objects.count() == 2
