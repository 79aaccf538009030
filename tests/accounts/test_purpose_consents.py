"""Separate, per-purpose consents and the sharing record (issue 11, point 4): each given
alone with the notice version shown, withdrawn with one tap; a clerk cannot consent for a
villager (the villager's own code or nothing, and what was explained is kept); nothing goes to
the bank on consent without a live consent (the sharing service refuses and writes nothing);
nobody else, and no other county, sees or changes a person's consents or records."""

import pytest
from django.utils import timezone

from accounts.models import Consent, SharingRecord, SmsCode
from accounts.services import (
    CONSENT_ALREADY_GIVEN,
    CONSENT_ASSISTED_OWN_CODE,
    CONSENT_EXPLANATION_NEEDED,
    CONSENT_NOT_FOUND,
    CONSENT_NOTICE_UNKNOWN,
    CONSENT_PURPOSE_UNKNOWN,
    SHARING_NO_CONSENT,
    consent_assisted_record,
    consent_give_own,
    consent_revoke_own,
    sharing_record,
    sms_code_send,
)
from core.errors import ApplicationError
from service_points.services import clerk_add

PURCHASE = Consent.Purpose.BANK_PURCHASE_DATA


@pytest.fixture
def clerk(operator, point):
    return clerk_add(actor=operator, mobile="13700137555", name="王芳", point=point)


def _share(user, **extra):
    return sharing_record(
        user=user, recipient="县农商银行", purpose="授信评估", data_items="下单次数、消费金额",
        consent_purpose=PURCHASE, **extra,
    )  # fmt: skip


def test_each_purpose_is_given_alone_with_its_notice_version(buyer):
    consent = consent_give_own(user=buyer, purpose=PURCHASE, notice_version="2026-12-01")

    assert (consent.purpose, consent.notice_version, consent.method) == (
        "bank_purchase_data", "2026-12-01", "self_online",
    )  # fmt: skip
    assert consent.recorded_by is None and consent.explanation == ""
    assert list(Consent.objects.filter(user=buyer).values_list("purpose", flat=True)) == [PURCHASE]


@pytest.mark.parametrize(
    ("purpose", "version", "message"),
    [
        ("platform_privacy", "2026-12-01", CONSENT_PURPOSE_UNKNOWN),
        ("share_everything", "2026-12-01", CONSENT_PURPOSE_UNKNOWN),
        ("sms_marketing", "2020-01-01", CONSENT_NOTICE_UNKNOWN),
    ],
)
def test_unknown_purposes_and_versions_are_refused(buyer, purpose, version, message):
    with pytest.raises(ApplicationError) as refusal:
        consent_give_own(user=buyer, purpose=purpose, notice_version=version)
    assert str(refusal.value.message) == str(message)
    assert not Consent.objects.filter(user=buyer).exists()


def test_giving_twice_is_refused(buyer):
    consent_give_own(user=buyer, purpose="sms_service")
    with pytest.raises(ApplicationError) as refusal:
        consent_give_own(user=buyer, purpose="sms_service")
    assert str(refusal.value.message) == str(CONSENT_ALREADY_GIVEN)
    assert Consent.objects.filter(user=buyer).count() == 1


def test_sharing_without_a_live_consent_is_refused_and_records_nothing(buyer):
    with pytest.raises(ApplicationError) as refusal:
        _share(buyer)
    assert str(refusal.value.message) == str(
        SHARING_NO_CONSENT
        % {
            "name": buyer.username,
            "purpose": "向银行提供购物记录用于授信",
            "recipient": "县农商银行",
        }
    )
    assert not SharingRecord.objects.exists()


def test_sharing_with_consent_names_it_and_stops_once_revoked(buyer):
    consent = consent_give_own(user=buyer, purpose=PURCHASE)

    record = _share(buyer, reference="FEED-1")
    assert (record.basis, record.consent_id, record.reference) == ("consent", consent.pk, "FEED-1")

    consent_revoke_own(user=buyer, consent_id=consent.pk)
    with pytest.raises(ApplicationError):
        _share(buyer)
    assert SharingRecord.objects.filter(user=buyer).count() == 1


def test_a_consent_to_one_purpose_says_nothing_of_another(buyer):
    consent_give_own(user=buyer, purpose=Consent.Purpose.BANK_SALES_DATA)
    consent_give_own(user=buyer, purpose=Consent.Purpose.SMS_MARKETING)

    with pytest.raises(ApplicationError):
        _share(buyer)


def test_nobody_revokes_someone_elses_consent(buyer, other_buyer):
    consent = consent_give_own(user=buyer, purpose=PURCHASE)

    with pytest.raises(ApplicationError) as refusal:
        consent_revoke_own(user=other_buyer, consent_id=consent.pk)

    assert str(refusal.value.message) == str(CONSENT_NOT_FOUND)
    consent.refresh_from_db()
    assert consent.revoked_at is None


def _consent_code(mobile):
    sms_code_send(mobile=mobile, purpose=SmsCode.Purpose.CONSENT, text="码 %(code)s %(minutes)s",
                  ip=None)  # fmt: skip
    from accounts.models import SmsOutbox

    return SmsOutbox.objects.filter(mobile=mobile).order_by("-pk").first().text.split()[1]


def test_at_the_counter_the_villagers_own_code_and_the_explanation_are_kept(buyer, clerk, point):
    code = _consent_code(buyer.mobile)

    consent = consent_assisted_record(
        clerk=clerk.user, user=buyer, purpose=PURCHASE, code=code,
        explanation="讲了：银行只用来定额度，随时能撤回", point_name=point.name,
    )  # fmt: skip

    assert (consent.method, consent.confirmed_mobile, consent.recorded_by_id) == (
        "sms_own", buyer.mobile, clerk.user.pk,
    )  # fmt: skip
    assert consent.explanation == "讲了：银行只用来定额度，随时能撤回"
    assert consent.recorded_at_point == point.name


def test_a_clerk_cannot_consent_for_a_villager_without_their_code(buyer, clerk, point):
    with pytest.raises(ApplicationError):
        consent_assisted_record(
            clerk=clerk.user, user=buyer, purpose=PURCHASE, code="123456",
            explanation="讲了", point_name=point.name,
        )  # fmt: skip
    with pytest.raises(ApplicationError) as refusal:
        consent_assisted_record(
            clerk=clerk.user, user=buyer, purpose=PURCHASE, code=_consent_code(buyer.mobile),
            explanation="  ", point_name=point.name,
        )  # fmt: skip
    assert str(refusal.value.message) == str(CONSENT_EXPLANATION_NEEDED)
    with pytest.raises(ApplicationError) as refusal:
        consent_assisted_record(
            clerk=clerk.user, user=clerk.user, purpose=PURCHASE, code="123456",
            explanation="讲了", point_name=point.name,
        )  # fmt: skip
    assert str(refusal.value.message) in (str(CONSENT_ASSISTED_OWN_CODE),)
    assert not Consent.objects.filter(purpose=PURCHASE).exists()


# ------------------------------------------------------------------------------------------
# The account page: one tap to give or withdraw, no script
# ------------------------------------------------------------------------------------------
def test_the_account_page_lists_consents_and_sharings(county_client, buyer):
    consent_give_own(user=buyer, purpose=PURCHASE)
    _share(buyer, reference="FEED-7")
    county_client.force_login(buyer)

    page = county_client.get("/account/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-purpose="bank_purchase_data"' in html
    assert f'action="/account/consents/{Consent.objects.get(user=buyer).pk}/revoke/"' in html
    assert 'action="/account/consents/sms_marketing/give/"' in html
    assert "FEED-7" in html and "下单次数、消费金额" in html
    assert "<script" not in html.split('id="consents"')[1].split("</section>")[0]


def test_one_tap_gives_and_one_tap_withdraws(county_client, buyer):
    county_client.force_login(buyer)

    given = county_client.post(
        "/account/consents/sms_service/give/", {"notice_version": "2026-12-01"}
    )
    consent = Consent.objects.get(user=buyer, purpose="sms_service")
    revoked = county_client.post(f"/account/consents/{consent.pk}/revoke/")

    assert (given.status_code, given["Location"]) == (303, "/account/#consents")
    assert revoked.status_code == 303
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by_id == buyer.pk
    assert consent.revoked_at <= timezone.now()


def test_revoking_anothers_consent_by_url_is_a_400_and_changes_nothing(
    county_client, buyer, other_buyer
):
    consent = consent_give_own(user=other_buyer, purpose=PURCHASE)
    county_client.force_login(buyer)

    response = county_client.post(f"/account/consents/{consent.pk}/revoke/")

    assert response.status_code == 400
    assert "没有找到这条同意记录。" in response.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_signed_out_visitors_are_sent_to_sign_in(county_client, buyer):
    consent = consent_give_own(user=buyer, purpose=PURCHASE)

    assert county_client.get("/account/").status_code == 302
    response = county_client.post(f"/account/consents/{consent.pk}/revoke/")
    assert response.status_code == 303 and response["Location"].startswith("/account/login/")
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_another_county_has_none_of_these_consents(county, other_county, buyer,
                                                  other_county_client):  # fmt: skip
    from django_tenants.utils import tenant_context

    consent_give_own(user=buyer, purpose=PURCHASE)
    _share(buyer)

    with tenant_context(other_county):
        assert not Consent.objects.filter(purpose=PURCHASE).exists()
        assert not SharingRecord.objects.exists()
    response = other_county_client.post(
        f"/account/consents/{Consent.objects.get(user=buyer).pk}/revoke/"
    )
    assert response.status_code == 303  # not signed in there: to its sign-in page
    assert Consent.objects.get(user=buyer).revoked_at is None
