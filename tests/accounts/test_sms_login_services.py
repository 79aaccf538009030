"""Phone login services: codes are hashed, expire, are single use, limited in attempts and
throttled per mobile and per IP; delivery goes through the outbox and a Celery task."""

import json
from datetime import timedelta

import pytest
import redis
from celery.signals import after_task_publish
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import SmsCode, SmsOutbox, User
from accounts.selectors import SMS_CODES_PER_IP_PER_HOUR
from accounts.services import (
    MOBILE_INVALID,
    SMS_CODE_EXPIRED,
    SMS_CODE_MISSING,
    SMS_CODE_TOO_MANY_ATTEMPTS,
    SMS_CODE_USED,
    SMS_CODE_WRONG,
    SMS_THROTTLED,
    STAFF_USE_PASSWORD,
    USER_INACTIVE,
    SmsThrottledError,
    sms_code_request,
    sms_code_verify,
    sms_outbox_deliver,
)
from accounts.sms import SmsBackendError
from accounts.tasks import sms_deliver
from core.county_tasks import WrongSchemaError
from core.errors import ApplicationError
from core.roles import COUNTY_OPERATORS_GROUP
from tests.accounts.conftest import (
    CODE_IN_TEXT,
    MOBILE,
    OTHER_MOBILE,
    code_in,
    code_sent_to,
    last_sms_to,
)

IP = "203.0.113.7"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _age_codes(mobile: str, by: timedelta) -> None:
    """Move this mobile's codes into the past, as if `by` had passed."""
    for sms_code in SmsCode.objects.filter(mobile=mobile):
        SmsCode.objects.filter(pk=sms_code.pk).update(
            created_at=sms_code.created_at - by, expires_at=sms_code.expires_at - by
        )


# ------------------------------------------------------------------------------
# Requesting a code
# ------------------------------------------------------------------------------
def test_request_creates_a_hashed_code_and_an_outbox_row_delivered_by_the_task(
    in_county, sms_sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sms_code = sms_code_request(mobile=MOBILE, ip=IP)

    assert len(callbacks) == 1
    outbox = SmsOutbox.objects.get()
    assert outbox.mobile == MOBILE
    assert len(CODE_IN_TEXT.findall(outbox.text)) == 1
    assert outbox.status == SmsOutbox.Status.SENT
    assert outbox.sent_at is not None
    assert outbox.backend == "accounts.sms.OutboxBackend"
    assert outbox.error == ""
    assert sms_sent == [
        {"args": (outbox.pk, "county_anji"), "headers": {"_schema_name": "county_anji"}}
    ]
    sms_code.refresh_from_db()
    assert sms_code.mobile == MOBILE
    assert sms_code.request_ip == IP
    assert sms_code.expires_at - sms_code.created_at == timedelta(minutes=5)
    assert sms_code.used_at is None
    assert sms_code.attempts == 0


def test_the_stored_code_is_not_the_plain_code(
    in_county, sms_sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sms_code_request(mobile=MOBILE, ip=IP)
    code = code_sent_to(MOBILE)

    stored = SmsCode.objects.values().get()

    assert len(stored["code_hash"]) == 64
    assert all(code not in str(value) for value in stored.values())


def test_two_requests_get_different_salts_and_hashes(in_county):
    sms_code_request(mobile=MOBILE, ip=IP)
    sms_code_request(mobile=OTHER_MOBILE, ip=IP)

    first, second = SmsCode.objects.order_by("id")

    assert first.code_salt != second.code_salt
    assert first.code_hash != second.code_hash


def test_the_task_is_sent_to_the_broker_only_after_commit_with_the_county_schema(
    in_county, django_capture_on_commit_callbacks
):
    published = []

    def record(sender=None, headers=None, body=None, routing_key=None, **kwargs):
        published.append({"task": sender, "headers": headers, "routing_key": routing_key})

    after_task_publish.connect(record, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            sms_code_request(mobile=MOBILE, ip=IP)
        outbox = SmsOutbox.objects.get()

        # Not sent yet: the transaction has not committed.
        assert published == []
        assert len(callbacks) == 1
        assert outbox.status == SmsOutbox.Status.PENDING

        connection.set_schema_to_public()  # the callback must not depend on the schema it runs in
        callbacks[0]()
    finally:
        after_task_publish.disconnect(record)
        connection.set_tenant(in_county)

    assert len(published) == 1
    message = published[0]
    assert message["task"] == "accounts.tasks.sms_deliver"
    # On the SMS queue, never behind photos and imports (config/celery_queues.py).
    sms_queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}.sms"
    assert message["routing_key"] == sms_queue
    assert message["headers"]["_schema_name"] == "county_anji"
    assert message["headers"]["argsrepr"] == repr((outbox.pk, "county_anji"))
    # Take our message back off the real queue, so no later worker runs it.
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queued = broker.lrange(sms_queue, 0, -1)
    ours = [raw for raw in queued if json.loads(raw)["headers"]["id"] == message["headers"]["id"]]
    assert len(ours) == 1
    broker.lrem(sms_queue, 1, ours[0])


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("008613800138000", "13800138000"),
    ],
)
def test_mobile_numbers_are_normalised(in_county, typed, stored):
    sms_code = sms_code_request(mobile=typed, ip=IP)

    assert sms_code.mobile == stored


@pytest.mark.parametrize(
    "mobile", ["", "1380013800", "138001380000", "12800138000", "23800138000", "1380013800a"]
)
def test_invalid_mobile_is_refused_and_nothing_is_created(
    in_county, mobile, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(ApplicationError) as refused,
    ):
        sms_code_request(mobile=mobile, ip=IP)

    assert refused.value.message == MOBILE_INVALID
    assert refused.value.field == "mobile"
    assert not SmsCode.objects.exists()
    assert not SmsOutbox.objects.exists()
    assert callbacks == []


def test_a_second_request_within_60_seconds_is_throttled_and_sends_nothing(
    in_county, django_capture_on_commit_callbacks
):
    sms_code_request(mobile=MOBILE, ip=IP)

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(SmsThrottledError) as refused,
    ):
        sms_code_request(mobile=MOBILE, ip=IP)

    assert refused.value.retry_after in (59, 60)
    assert refused.value.message == SMS_THROTTLED % {"seconds": refused.value.retry_after}
    assert SmsCode.objects.count() == 1
    assert SmsOutbox.objects.count() == 1
    assert callbacks == []


def test_after_60_seconds_another_code_may_be_sent(in_county):
    sms_code_request(mobile=MOBILE, ip=IP)
    _age_codes(MOBILE, timedelta(seconds=61))

    sms_code_request(mobile=MOBILE, ip=IP)

    assert SmsOutbox.objects.count() == 2


def test_at_most_five_codes_per_mobile_per_hour(in_county):
    for _ in range(5):
        sms_code_request(mobile=MOBILE, ip=IP)
        _age_codes(MOBILE, timedelta(minutes=10))
    # The oldest of the five was sent 50 minutes ago: 10 minutes to wait.

    with pytest.raises(SmsThrottledError) as refused:
        sms_code_request(mobile=MOBILE, ip=IP)

    assert 599 <= refused.value.retry_after <= 600
    assert refused.value.message == SMS_THROTTLED % {"seconds": refused.value.retry_after}
    assert SmsCode.objects.count() == 5

    _age_codes(MOBILE, timedelta(minutes=10, seconds=1))
    sms_code_request(mobile=MOBILE, ip=IP)
    assert SmsCode.objects.count() == 6


def test_at_most_n_codes_per_ip_per_hour(in_county):
    for number in range(SMS_CODES_PER_IP_PER_HOUR):
        sms_code_request(mobile=f"1380000{number:04d}", ip=IP)

    with pytest.raises(SmsThrottledError) as refused:
        sms_code_request(mobile=MOBILE, ip=IP)

    assert refused.value.message == SMS_THROTTLED % {"seconds": refused.value.retry_after}
    assert not SmsCode.objects.filter(mobile=MOBILE).exists()
    # Another address is not held back.
    sms_code_request(mobile=MOBILE, ip="198.51.100.1")
    assert SmsCode.objects.filter(mobile=MOBILE).count() == 1


# ------------------------------------------------------------------------------
# Verifying a code
# ------------------------------------------------------------------------------
@pytest.fixture
def code(in_county, sms_sent, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        sms_code_request(mobile=MOBILE, ip=IP)
    return code_sent_to(MOBILE)


def test_the_right_code_creates_a_resident_without_email_or_password(code):
    user = sms_code_verify(mobile=MOBILE, code=code)

    assert user.mobile == MOBILE
    assert user.username == MOBILE
    assert user.email == ""
    assert not user.has_usable_password()
    assert not user.is_staff
    assert User.objects.filter(mobile=MOBILE).count() == 1
    assert SmsCode.objects.get().used_at is not None


def test_the_right_code_returns_the_existing_user_of_that_mobile(code):
    seller = User.objects.create_user(username="farmer-wang", mobile=MOBILE, password="x-123456")

    assert sms_code_verify(mobile=MOBILE, code=code) == seller
    assert User.objects.filter(mobile=MOBILE).count() == 1


def test_a_taken_username_gets_a_suffix(code):
    User.objects.create_user(username=MOBILE, password="x-123456")  # no mobile on it

    user = sms_code_verify(mobile=MOBILE, code=code)

    assert user.username == f"{MOBILE}-2"
    assert user.mobile == MOBILE


def test_a_used_code_is_refused(code):
    sms_code_verify(mobile=MOBILE, code=code)

    with pytest.raises(ApplicationError) as refused:
        sms_code_verify(mobile=MOBILE, code=code)

    assert refused.value.message == SMS_CODE_USED
    assert refused.value.field == "code"


def test_an_expired_code_is_refused_and_not_spent(code):
    _age_codes(MOBILE, timedelta(minutes=5))

    with pytest.raises(ApplicationError) as refused:
        sms_code_verify(mobile=MOBILE, code=code)

    assert refused.value.message == SMS_CODE_EXPIRED
    assert SmsCode.objects.get().used_at is None
    assert not User.objects.filter(mobile=MOBILE).exists()


def test_a_code_just_before_expiry_works(code):
    _age_codes(MOBILE, timedelta(minutes=4, seconds=55))

    assert sms_code_verify(mobile=MOBILE, code=code).mobile == MOBILE


def test_a_wrong_code_counts_an_attempt_and_says_how_many_are_left(code):
    with pytest.raises(ApplicationError) as refused:
        sms_code_verify(mobile=MOBILE, code=_wrong(code))

    assert refused.value.message == SMS_CODE_WRONG % {"remaining": 4}
    assert not isinstance(refused.value, SmsThrottledError)
    assert SmsCode.objects.get().attempts == 1
    assert not User.objects.filter(mobile=MOBILE).exists()


def test_five_wrong_codes_invalidate_the_code_even_for_the_right_one(code):
    messages = []
    for _ in range(5):
        with pytest.raises(ApplicationError) as refused:
            sms_code_verify(mobile=MOBILE, code=_wrong(code))
        messages.append(refused.value.message)

    with pytest.raises(SmsThrottledError) as refused:
        sms_code_verify(mobile=MOBILE, code=code)

    assert messages[:4] == [SMS_CODE_WRONG % {"remaining": n} for n in (4, 3, 2, 1)]
    assert messages[4] == SMS_CODE_TOO_MANY_ATTEMPTS
    assert refused.value.message == SMS_CODE_TOO_MANY_ATTEMPTS
    sms_code = SmsCode.objects.get()
    assert sms_code.attempts == 5
    assert sms_code.used_at is None
    assert not User.objects.filter(mobile=MOBILE).exists()


def test_only_the_latest_code_counts(code, django_capture_on_commit_callbacks):
    _age_codes(MOBILE, timedelta(seconds=61))
    with django_capture_on_commit_callbacks(execute=True):
        sms_code_request(mobile=MOBILE, ip=IP)
    newer = code_sent_to(MOBILE)

    if newer != code:  # one chance in a million that both codes are equal
        with pytest.raises(ApplicationError):
            sms_code_verify(mobile=MOBILE, code=code)
    assert sms_code_verify(mobile=MOBILE, code=newer).mobile == MOBILE


def test_verifying_without_any_code_is_refused(in_county):
    with pytest.raises(ApplicationError) as refused:
        sms_code_verify(mobile=MOBILE, code="123456")

    assert refused.value.message == SMS_CODE_MISSING
    assert not User.objects.filter(mobile=MOBILE).exists()


def test_an_operator_cannot_sign_in_by_sms_and_the_code_is_spent(code):
    operator = User.objects.get(username="operator")
    operator.mobile = MOBILE
    operator.save()
    assert operator.groups.filter(name=COUNTY_OPERATORS_GROUP).exists()

    with pytest.raises(ApplicationError) as refused:
        sms_code_verify(mobile=MOBILE, code=code)

    assert refused.value.message == STAFF_USE_PASSWORD
    assert SmsCode.objects.get().used_at is not None


def test_a_deactivated_user_cannot_sign_in(code):
    User.objects.create_user(username="gone", mobile=MOBILE, is_active=False)

    with pytest.raises(ApplicationError) as refused:
        sms_code_verify(mobile=MOBILE, code=code)

    assert refused.value.message == USER_INACTIVE


def test_a_user_in_a_plain_group_still_signs_in(code):
    sellers, _ = Group.objects.get_or_create(name="sellers-test")
    seller = User.objects.create_user(username="seller", mobile=MOBILE)
    seller.groups.add(sellers)

    assert sms_code_verify(mobile=MOBILE, code=code) == seller


# ------------------------------------------------------------------------------
# Counties do not share codes or users
# ------------------------------------------------------------------------------
def test_a_code_of_one_county_does_not_work_in_another(
    county, other_county, sms_sent, django_capture_on_commit_callbacks, db
):
    with tenant_context(county), django_capture_on_commit_callbacks(execute=True):
        sms_code_request(mobile=MOBILE, ip=IP)
    code = code_sent_to(MOBILE, county)

    with tenant_context(other_county):
        with pytest.raises(ApplicationError) as refused:
            sms_code_verify(mobile=MOBILE, code=code)
        assert refused.value.message == SMS_CODE_MISSING
        assert not SmsCode.objects.exists()
        assert not SmsOutbox.objects.exists()
        assert not User.objects.filter(mobile=MOBILE).exists()
    with tenant_context(county):
        assert sms_code_verify(mobile=MOBILE, code=code).mobile == MOBILE
    with tenant_context(other_county):
        assert not User.objects.filter(mobile=MOBILE).exists()
    connection.set_schema_to_public()


def test_throttles_are_per_county(county, other_county, db):
    with tenant_context(county):
        sms_code_request(mobile=MOBILE, ip=IP)
    with tenant_context(other_county):
        sms_code_request(mobile=MOBILE, ip=IP)
        assert SmsCode.objects.count() == 1
    connection.set_schema_to_public()


# ------------------------------------------------------------------------------
# Delivery
# ------------------------------------------------------------------------------
def test_delivery_is_idempotent(in_county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        sms_code_request(mobile=MOBILE, ip=IP)
    outbox = SmsOutbox.objects.get()

    headers = {"_schema_name": "county_anji"}
    first = sms_deliver.apply(args=(outbox.pk, "county_anji"), headers=headers)
    sent_at = SmsOutbox.objects.get().sent_at
    second = sms_deliver.apply(args=(outbox.pk, "county_anji"), headers=headers)

    assert first.get() == second.get() == SmsOutbox.Status.SENT
    assert SmsOutbox.objects.get().sent_at == sent_at


def test_delivery_in_the_wrong_county_refuses_and_sends_nothing(
    county, other_county, db, django_capture_on_commit_callbacks
):
    with tenant_context(county), django_capture_on_commit_callbacks(execute=False):
        sms_code_request(mobile=MOBILE, ip=IP)
    with tenant_context(county):
        outbox_id = SmsOutbox.objects.get().pk

    with tenant_context(other_county):
        result = sms_deliver.apply(
            args=(outbox_id, "county_anji"), headers={"_schema_name": "county_chunan"}
        )
    connection.set_schema_to_public()

    with pytest.raises(WrongSchemaError):
        result.get()
    with tenant_context(county):
        assert SmsOutbox.objects.get().status == SmsOutbox.Status.PENDING
    connection.set_schema_to_public()


def test_a_provider_failure_is_recorded_and_raised_for_a_retry(in_county, settings):
    settings.FENGSHOU_SMS_BACKEND = "tests.accounts.conftest.FailingBackend"
    sms_code_request(mobile=MOBILE, ip=IP)
    outbox = SmsOutbox.objects.get()

    with pytest.raises(SmsBackendError):
        sms_outbox_deliver(outbox_id=outbox.pk)

    outbox.refresh_from_db()
    assert outbox.status == SmsOutbox.Status.FAILED
    assert outbox.sent_at is None
    assert outbox.error == "ConnectionError: provider unreachable"
    assert outbox.backend == "tests.accounts.conftest.FailingBackend"

    settings.FENGSHOU_SMS_BACKEND = "accounts.sms.OutboxBackend"
    sms_outbox_deliver(outbox_id=outbox.pk)
    outbox.refresh_from_db()
    assert outbox.status == SmsOutbox.Status.SENT
    assert outbox.error == ""


def test_the_console_backend_logs_the_text(in_county, settings, caplog):
    settings.FENGSHOU_SMS_BACKEND = "accounts.sms.ConsoleBackend"
    sms_code_request(mobile=MOBILE, ip=IP)
    outbox = last_sms_to(MOBILE)

    with caplog.at_level("INFO", logger="accounts.sms"):
        sms_outbox_deliver(outbox_id=outbox.pk)

    assert f"SMS to {MOBILE}: {outbox.text}" in caplog.text
    assert code_in(outbox) in caplog.text
