"""Assisted registration at a service point (/clerk/villagers/): a villager is found by their
mobile or made once, confirms with the SMS code on their phone (or a family member's), or signs
a paper form that is photographed; the privacy notice is shown and the consent recorded. Only
the right code writes anything, and a clerk sees only their own point's villagers."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from accounts.models import Consent, SmsCode, SmsOutbox, User
from accounts.privacy import PLATFORM_NOTICE_CURRENT, platform_notice_current
from accounts.selectors import user_sms_mobile
from accounts.services import (
    MOBILE_INVALID,
    SMS_CODE_EXPIRED,
    SMS_CODE_USED,
    SMS_CODE_WRONG,
    USER_NAME_REQUIRED,
)
from core.errors import ApplicationError
from service_points.models import PointVillager
from service_points.services import (
    MSG_NOT_A_CLERK,
    MSG_RELATION_REQUIRED,
    MSG_VILLAGER_IS_STAFF,
    clerk_add,
    villager_register,
    villager_register_start,
)
from tests.clerk.villager_helpers import (
    CONFIRM,
    REGISTER,
    VILLAGERS,
    jpeg_upload,
    last_code,
    people_snapshot,
    register_by_own_phone,
    register_on_paper,
)
from tests.factories.orders import ResidentFactory
from tests.factories.service_points import ServicePointFactory

MOBILE = "13900001111"
PROXY = "13600002222"
MSG_FORBIDDEN = "这个账户不是营业中服务点的在岗店员。如需开通，请联系县运营人员。"


def _start_own(client, mobile=MOBILE, name="陈大爷"):
    return client.post(REGISTER, {"how": "own", "mobile": mobile, "name": name})


def _start_proxy(client, name="张奶奶", proxy=PROXY, relation="儿子"):
    return client.post(
        REGISTER, {"how": "proxy", "name": name, "proxy_mobile": proxy, "proxy_relation": relation}
    )


# ------------------------------------------------------------------------------
# The pages
# ------------------------------------------------------------------------------
def test_the_console_home_links_to_the_villagers(clerk_client):
    page = clerk_client.get("/clerk/").content.decode()

    assert f'href="{VILLAGERS}"' in page


def test_the_register_page_shows_the_privacy_notice_in_full(clerk_client):
    response = clerk_client.get(REGISTER)

    page = response.content.decode()
    notice = platform_notice_current()
    assert response.status_code == 200
    assert str(notice.title) in page
    for paragraph in notice.paragraphs:
        assert str(paragraph) in page
    assert f"版本 {PLATFORM_NOTICE_CURRENT}" in page
    # Three ways to confirm, each a plain form.
    assert page.count(f'action="{REGISTER}" method="post"') == 3


# ------------------------------------------------------------------------------
# Own phone
# ------------------------------------------------------------------------------
def test_own_phone_step_one_texts_a_code_and_writes_nothing_else(clerk_client, point):
    before = people_snapshot()

    response = _start_own(clerk_client, mobile="139 0000 1111")

    assert response.status_code == 303
    assert response["Location"] == CONFIRM
    assert people_snapshot() == before
    sms = SmsOutbox.objects.get()
    assert sms.mobile == MOBILE
    assert "递铺服务点的店员正在为您登记丰收账户" in sms.text
    assert "《丰收平台隐私政策》" in sms.text
    assert SmsCode.objects.get().purpose == "consent"
    confirm = clerk_client.get(CONFIRM).content.decode()
    assert "139****1111" in confirm and 'name="code"' in confirm and 'name="photo"' not in confirm


def test_own_phone_the_right_code_registers_links_and_records_the_consent(
    clerk_client, clerk, point
):
    _start_own(clerk_client)
    before = timezone.now()

    response = clerk_client.post(CONFIRM, {"code": last_code(MOBILE)})

    villager = User.objects.get(mobile=MOBILE)
    assert response.status_code == 303
    assert response["Location"] == f"{VILLAGERS}{villager.pk}/"
    assert villager.first_name == "陈大爷"
    assert not villager.has_usable_password()
    link = PointVillager.objects.get(user=villager)
    assert (link.point_id, link.added_by_id) == (point.pk, clerk.user_id)
    consent = Consent.objects.get(user=villager)
    assert (
        consent.purpose,
        consent.notice_version,
        consent.method,
        consent.confirmed_mobile,
        consent.recorded_by_id,
        consent.recorded_at_point,
        consent.paper_photo.name,
        consent.revoked_at,
    ) == (
        "platform_privacy",
        PLATFORM_NOTICE_CURRENT,
        "sms_own",
        MOBILE,
        clerk.user_id,
        "递铺服务点",
        "",
        None,
    )
    assert before <= consent.given_at <= timezone.now()
    assert SmsCode.objects.get().used_at is not None
    # The villager's page shows the consent: what, when, how, where.
    page = clerk_client.get(response["Location"]).content.decode()
    assert "平台使用与隐私政策" in page and "本人手机短信验证码" in page
    assert (
        consent.given_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")
        in page
    )
    assert "服务点 递铺服务点 · 记录人 王芳" in page


@pytest.mark.parametrize(
    "typed", ["13700000001", "137 0000 0001", "+86 137-0000-0001", "１３７００００００01"]
)
def test_an_existing_account_is_found_never_duplicated(clerk_client, buyer, typed):
    users_before = User.objects.count()

    _start_own(clerk_client, mobile=typed, name="")
    response = clerk_client.post(CONFIRM, {"code": last_code("13700000001")})

    assert response.status_code == 303
    assert response["Location"] == f"{VILLAGERS}{buyer.pk}/"
    assert User.objects.count() == users_before
    assert Consent.objects.get().user_id == buyer.pk
    assert PointVillager.objects.get().user_id == buyer.pk


def test_registering_the_same_villager_again_keeps_one_account_and_one_link(clerk, clerk_client):
    first = register_by_own_phone(clerk.user, "139 0000 1111")
    # A minute later (the per-number wait), at the same point.
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))

    second = register_by_own_phone(clerk.user, "１３９００００１１１１")

    assert second.pk == first.pk
    assert User.objects.filter(mobile=MOBILE).count() == 1
    assert Consent.objects.filter(user=first.user).count() == 2


@pytest.mark.parametrize("typed", ["١٣٩٠٠٠٠١١١١", "1390000111", "23900001111"])
def test_a_mobile_that_is_not_ascii_digits_is_refused_and_nothing_is_sent(clerk_client, typed):
    before = people_snapshot()

    response = _start_own(clerk_client, mobile=typed)

    assert response.status_code == 400
    assert str(MOBILE_INVALID) in response.content.decode()
    assert people_snapshot() == before
    assert (SmsOutbox.objects.count(), SmsCode.objects.count()) == (0, 0)


def test_a_wrong_code_leaves_nothing_behind(clerk_client):
    _start_own(clerk_client)
    right = last_code(MOBILE)
    wrong = "000000" if right != "000000" else "111111"
    before = people_snapshot()

    response = clerk_client.post(CONFIRM, {"code": wrong})

    assert response.status_code == 400
    assert str(SMS_CODE_WRONG % {"remaining": 4}) in response.content.decode()
    assert people_snapshot() == before
    assert not User.objects.filter(mobile=MOBILE).exists()
    assert SmsCode.objects.get().attempts == 1
    # The right code still works afterwards.
    assert clerk_client.post(CONFIRM, {"code": right}).status_code == 303


def test_an_expired_code_leaves_nothing_behind(clerk_client):
    _start_own(clerk_client)
    code = last_code(MOBILE)
    SmsCode.objects.update(
        created_at=timezone.now() - timedelta(minutes=10),
        expires_at=timezone.now() - timedelta(minutes=5),
    )
    before = people_snapshot()

    response = clerk_client.post(CONFIRM, {"code": code})

    assert response.status_code == 400
    assert str(SMS_CODE_EXPIRED) in response.content.decode()
    assert people_snapshot() == before


def test_a_used_code_cannot_register_again(clerk):
    villager_register_start(clerk_user=clerk.user, how="own", mobile=MOBILE)
    code = last_code(MOBILE)
    villager_register(clerk_user=clerk.user, how="own", mobile=MOBILE, code=code)
    before = people_snapshot()

    with pytest.raises(ApplicationError) as refused:
        villager_register(clerk_user=clerk.user, how="own", mobile=MOBILE, code=code)

    assert refused.value.message == SMS_CODE_USED
    assert people_snapshot() == before


def test_a_code_sent_to_one_number_does_not_register_another(clerk):
    villager_register_start(clerk_user=clerk.user, how="own", mobile=MOBILE)
    before = people_snapshot()

    with pytest.raises(ApplicationError):
        villager_register(
            clerk_user=clerk.user, how="own", mobile="13900002222", code=last_code(MOBILE)
        )

    assert people_snapshot() == before


def test_codes_are_rate_limited(clerk_client):
    _start_own(clerk_client)

    response = _start_own(clerk_client)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert SmsOutbox.objects.count() == 1


def test_a_staff_account_is_not_registered_as_a_villager(clerk, operator):
    operator.mobile = "13800008888"
    operator.save(update_fields=["mobile"])

    with pytest.raises(ApplicationError) as refused:
        villager_register_start(clerk_user=clerk.user, how="own", mobile="13800008888")

    assert refused.value.message == MSG_VILLAGER_IS_STAFF
    assert SmsOutbox.objects.count() == 0


# ------------------------------------------------------------------------------
# A family member's phone, with the signed form
# ------------------------------------------------------------------------------
def test_proxy_the_code_goes_to_the_family_member(clerk_client):
    before = people_snapshot()

    response = _start_proxy(clerk_client, proxy="136 0000 2222")

    assert response.status_code == 303
    assert people_snapshot() == before
    sms = SmsOutbox.objects.get()
    assert sms.mobile == PROXY
    assert "为您的家人张奶奶登记丰收账户，由您代收短信" in sms.text
    confirm = clerk_client.get(CONFIRM).content.decode()
    assert 'name="code"' in confirm
    assert 'type="file" name="photo" accept="image/*" capture="environment"' in confirm


def test_proxy_needs_a_name_and_a_relation(clerk_client):
    no_name = _start_proxy(clerk_client, name=" ")
    no_relation = _start_proxy(clerk_client, relation="")

    assert no_name.status_code == no_relation.status_code == 400
    assert str(USER_NAME_REQUIRED) in no_name.content.decode()
    assert str(MSG_RELATION_REQUIRED) in no_relation.content.decode()
    assert SmsOutbox.objects.count() == 0


def test_proxy_right_code_and_form_photo_register_a_villager_without_a_phone(
    clerk_client, clerk, point
):
    _start_proxy(clerk_client)
    code = last_code(PROXY)
    users_before = User.objects.count()

    response = clerk_client.post(
        CONFIRM, {"code": code, "photo": jpeg_upload("form.jpg", size=(300, 400), exif=True)}
    )

    assert response.status_code == 303
    assert User.objects.count() == users_before + 1
    consent = Consent.objects.get()
    villager = consent.user
    assert (villager.first_name, villager.mobile) == ("张奶奶", "")
    assert (
        consent.method,
        consent.confirmed_mobile,
        consent.proxy_mobile,
        consent.proxy_relation,
        consent.recorded_by_id,
        consent.recorded_at_point,
    ) == ("sms_proxy", PROXY, PROXY, "儿子", clerk.user_id, "递铺服务点")
    # The form photo went through the photo pipeline: an upright JPEG, metadata dropped.
    with consent.paper_photo.open("rb") as stored, Image.open(stored) as photo:
        assert (photo.format, photo.size, dict(photo.getexif())) == ("JPEG", (300, 400), {})
    assert user_sms_mobile(user=villager) == PROXY
    assert PointVillager.objects.get(user=villager).point_id == point.pk


def test_proxy_without_the_form_photo_is_refused_and_the_code_is_kept(clerk_client):
    _start_proxy(clerk_client)
    code = last_code(PROXY)
    before = people_snapshot()

    response = clerk_client.post(CONFIRM, {"code": code})

    assert response.status_code == 400
    assert "请拍下村民签字的纸质同意书。" in response.content.decode()
    assert people_snapshot() == before
    assert SmsCode.objects.get().used_at is None
    # Photo taken: the same code still works.
    response = clerk_client.post(CONFIRM, {"code": code, "photo": jpeg_upload()})
    assert response.status_code == 303


def test_proxy_with_a_wrong_code_leaves_nothing_not_even_the_photo(clerk_client, settings):
    _start_proxy(clerk_client)
    right = last_code(PROXY)
    before = people_snapshot()

    response = clerk_client.post(
        CONFIRM, {"code": "000000" if right != "000000" else "111111", "photo": jpeg_upload()}
    )

    assert response.status_code == 400
    assert people_snapshot() == before
    assert not list((settings.MEDIA_ROOT).rglob("consents/*"))


# ------------------------------------------------------------------------------
# The paper form alone
# ------------------------------------------------------------------------------
def test_paper_no_code_is_sent_and_the_form_photo_is_the_consent(clerk_client, clerk):
    response = clerk_client.post(REGISTER, {"how": "paper", "name": "李爷爷"})

    assert response.status_code == 303
    assert SmsOutbox.objects.count() == 0
    confirm = clerk_client.get(CONFIRM).content.decode()
    assert 'name="code"' not in confirm and 'name="photo"' in confirm

    response = clerk_client.post(CONFIRM, {"photo": jpeg_upload("form.jpg")})

    assert response.status_code == 303
    consent = Consent.objects.get()
    assert (consent.method, consent.user.first_name, consent.user.mobile) == ("paper", "李爷爷", "")
    assert (consent.recorded_by_id, consent.recorded_at_point) == (clerk.user_id, "递铺服务点")
    page = clerk_client.get(response["Location"]).content.decode()
    photo_url = f"{VILLAGERS}{consent.user_id}/consents/{consent.pk}/photo/"
    assert photo_url in page and "签署纸质同意书（拍照留存）" in page
    photo = clerk_client.get(photo_url)
    assert (photo.status_code, photo["Content-Type"]) == (200, "image/jpeg")


def test_paper_without_a_photo_or_with_a_file_that_is_not_a_picture_is_refused(clerk_client):
    clerk_client.post(REGISTER, {"how": "paper", "name": "李爷爷"})
    before = people_snapshot()

    missing = clerk_client.post(CONFIRM, {})
    not_a_picture = clerk_client.post(
        CONFIRM, {"photo": SimpleUploadedFile("form.pdf", b"%PDF-1.4 x", "application/pdf")}
    )

    assert missing.status_code == not_a_picture.status_code == 400
    assert people_snapshot() == before


def test_step_two_without_step_one_goes_back_to_step_one(clerk_client):
    response = clerk_client.post(CONFIRM, {"code": "123456"})

    assert response.status_code == 303
    assert response["Location"] == REGISTER
    assert people_snapshot()["consents"] == []


# ------------------------------------------------------------------------------
# Search and the villager's page
# ------------------------------------------------------------------------------
def test_search_finds_this_points_villagers_by_mobile_part_or_name(clerk, clerk_client):
    chen = register_by_own_phone(clerk.user, MOBILE, name="陈大爷")
    li = register_on_paper(clerk.user, "李爷爷")

    by_mobile = clerk_client.get(VILLAGERS, {"q": "１１１１"}).content.decode()
    by_name = clerk_client.get(VILLAGERS, {"q": "李"}).content.decode()
    everyone = clerk_client.get(VILLAGERS).content.decode()

    assert (
        f"{VILLAGERS}{chen.user_id}/" in by_mobile and f"{VILLAGERS}{li.user_id}/" not in by_mobile
    )
    assert f"{VILLAGERS}{li.user_id}/" in by_name and f"{VILLAGERS}{chen.user_id}/" not in by_name
    assert "139****1111" in everyone and "李爷爷 · 无手机" in everyone


def test_a_clerk_of_another_point_gets_404_for_this_points_villager(clerk, clerk_q, county_client):
    link = register_on_paper(clerk.user, "李爷爷")
    consent = Consent.objects.get(user=link.user)
    county_client.force_login(clerk_q.user)

    page = county_client.get(f"{VILLAGERS}{link.user_id}/")
    photo = county_client.get(f"{VILLAGERS}{link.user_id}/consents/{consent.pk}/photo/")
    listing_form = county_client.get(f"{VILLAGERS}{link.user_id}/list/")
    search = county_client.get(VILLAGERS, {"q": "李爷爷"}).content.decode()

    assert (page.status_code, photo.status_code, listing_form.status_code) == (404, 404, 404)
    assert f"{VILLAGERS}{link.user_id}/" not in search


def test_a_consent_photo_of_another_villager_is_404(clerk, clerk_client):
    chen = register_by_own_phone(clerk.user, MOBILE)
    li = register_on_paper(clerk.user, "李爷爷")
    li_consent = Consent.objects.get(user=li.user)

    response = clerk_client.get(f"{VILLAGERS}{chen.user_id}/consents/{li_consent.pk}/photo/")

    assert response.status_code == 404


def test_an_unknown_villager_is_404(clerk_client, buyer):
    # buyer exists in the county but this point does not serve them.
    assert clerk_client.get(f"{VILLAGERS}{buyer.pk}/").status_code == 404


@pytest.mark.parametrize("url", [VILLAGERS, REGISTER, CONFIRM])
def test_a_signed_in_non_clerk_gets_403(county_client, buyer, url):
    county_client.force_login(buyer)

    response = county_client.get(url)

    assert response.status_code == 403
    assert MSG_FORBIDDEN in response.content.decode()


def test_a_non_clerk_cannot_register_through_the_services(buyer):
    before = people_snapshot()

    with pytest.raises(ApplicationError) as refused:
        villager_register_start(clerk_user=buyer, how="own", mobile=MOBILE)
    with pytest.raises(ApplicationError):
        villager_register(clerk_user=buyer, how="paper", name="李爷爷", photo=jpeg_upload())

    assert refused.value.message == MSG_NOT_A_CLERK
    assert people_snapshot() == before
    assert SmsOutbox.objects.count() == 0


def test_anonymous_is_sent_to_the_phone_login(county_client, in_county):
    response = county_client.get(REGISTER)

    assert (response.status_code, response["Location"]) == (
        302,
        "/account/login/?next=/clerk/villagers/register/",
    )


def test_another_county_sees_nothing_of_this_ones_villagers(
    clerk, clerk_client, other_county, other_county_client
):
    link = register_by_own_phone(clerk.user, MOBILE, name="陈大爷")
    other_county_client.cookies = clerk_client.cookies

    # County A's session means nothing on county B's host.
    response = other_county_client.get(f"{VILLAGERS}{link.user_id}/")
    assert (response.status_code, response["Location"]) == (
        302,
        f"/account/login/?next={VILLAGERS}{link.user_id}/",
    )

    # County B's own clerk: the id is nobody of theirs, and the search finds nothing.
    with tenant_context(other_county):
        b_operator = get_user_model().objects.get(username="operator")
        b_point = ServicePointFactory(name="千岛湖服务点", village="千岛湖村")
        b_clerk = clerk_add(actor=b_operator, mobile="13700137555", point=b_point)
    other_county_client.force_login(b_clerk.user)

    assert other_county_client.get(f"{VILLAGERS}{link.user_id}/").status_code == 404
    search = other_county_client.get(VILLAGERS, {"q": "1111"}).content.decode()
    assert "139****1111" not in search and "陈大爷" not in search


def test_a_villager_registered_elsewhere_is_found_but_needs_this_points_own_registration(
    clerk, clerk_q, county_client
):
    link = register_by_own_phone(clerk.user, MOBILE)
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))

    again = register_by_own_phone(clerk_q.user, MOBILE)

    assert again.user_id == link.user_id and again.point_id != link.point_id
    assert sorted(Consent.objects.values_list("recorded_at_point", flat=True)) == [
        "梅溪服务点",
        "递铺服务点",
    ]


def test_a_resident_factory_user_is_a_plain_villager(in_county):
    # Guard for the fixtures above: the factory makes no staff.
    user = ResidentFactory()
    assert not user.is_staff


def test_the_villager_pages_take_the_same_queries_for_one_villager_or_many(clerk, clerk_client):
    first = register_on_paper(clerk.user, "李爷爷")
    with CaptureQueriesContext(connection) as one:
        clerk_client.get(VILLAGERS)
    with CaptureQueriesContext(connection) as one_page:
        clerk_client.get(f"{VILLAGERS}{first.user_id}/")
    for number in range(5):
        register_on_paper(clerk.user, f"村民{number}")
    Consent.objects.create(
        user=first.user,
        purpose="platform_privacy",
        notice_version=PLATFORM_NOTICE_CURRENT,
        method="paper",
        paper_photo="consents/x.jpg",
        given_at=timezone.now(),
        recorded_by=clerk.user,
    )

    with CaptureQueriesContext(connection) as many:
        clerk_client.get(VILLAGERS)
    with CaptureQueriesContext(connection) as many_page:
        clerk_client.get(f"{VILLAGERS}{first.user_id}/")

    assert len(many) == len(one)
    assert len(many_page) == len(one_page)
