"""Users. The same table exists in public (province staff) and in every county schema
(county operators, clerks, sellers and residents): see docs/adr/0002-users-per-county.md.
"""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

mobile_validator = RegexValidator(r"^1[3-9][0-9]{9}\Z", _("请输入11位中国大陆手机号码。"))


class User(AbstractUser):
    """A person who signs in. Villagers often have no email, so none is ever required.

    Edited by county operators in the Wagtail admin (Settings > Users) of their county, and by
    province staff in the province admin for province accounts.
    """

    mobile = models.CharField(
        _("手机号码"),
        max_length=11,
        blank=True,
        validators=[mobile_validator],
        help_text=_("用于短信验证码登录；同一县内唯一。"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~models.Q(mobile=""),
                name="accounts_user_mobile_unique_when_set",
            )
        ]


class SmsCode(models.Model):
    """A one-time code sent by SMS to sign in with a mobile number (accounts.services).

    Nobody edits these: sms_code_request writes them, sms_code_verify spends them. Only a salted
    HMAC of the code is stored, so a database dump does not reveal live codes. The table also
    exists in public (accounts is a shared app) but only county schemas use it.
    """

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class Purpose(models.TextChoices):
        LOGIN = "login", _("登录")
        # A villager (or their proxy) confirming a clerk's registration at a service point.
        CONSENT = "consent", _("确认同意")

    mobile = models.CharField(_("手机号码"), max_length=11, validators=[mobile_validator])
    purpose = models.CharField(
        _("用途"), max_length=16, choices=Purpose.choices, default=Purpose.LOGIN
    )
    code_salt = models.CharField(_("盐"), max_length=32)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    # Where the request came from: the per-IP throttle counts these.
    request_ip = models.GenericIPAddressField(_("请求IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(
                fields=["mobile", "purpose", "-created_at"], name="accounts_smscode_mobile"
            ),
            models.Index(fields=["request_ip", "-created_at"], name="accounts_smscode_ip"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="accounts_smscode_expires_after_created",
            )
        ]

    def __str__(self):
        return f"{self.mobile} {self.purpose} {self.created_at:%Y-%m-%d %H:%M:%S}"


class SmsOutbox(models.Model):
    """One text message to send, and the record of what was sent (accounts.tasks.sms_deliver).

    Written by services, delivered by a Celery task through FENGSHOU_SMS_BACKEND; read by
    support staff when a villager says no code arrived.
    """

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    mobile = models.CharField(_("手机号码"), max_length=11, validators=[mobile_validator])
    text = models.CharField(_("短信内容"), max_length=500)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    backend = models.CharField(_("发送通道"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("短信发件箱")
        verbose_name_plural = _("短信发件箱")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="accounts_smsoutbox_sent_iff_sent_at",
            )
        ]

    def __str__(self):
        return f"{self.mobile} {self.status}"


def consent_photo_upload_to(instance: "Consent", filename: str) -> str:
    # A random name: the photo shows a signature; nothing in the path says whose.
    return f"consents/{uuid.uuid4().hex}.jpg"


class Consent(models.Model):
    """What a person agreed to, when, how, and who recorded it (accounts.services.consent_record).

    Written once and never edited: the only change is its revocation (consent_revoke). Taken
    at a service point by a clerk (the villager reads out the SMS code sent to their phone or
    their proxy's, or signs a paper form whose photo is kept), or online by the person
    themselves. The point's name is a snapshot: accounts sits below the service points and
    cannot point at them, and the record must still read true if the point is renamed.
    """

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class Purpose(models.TextChoices):
        # Each purpose has its own notice (accounts.privacy.NOTICES); a person's consent to
        # one says nothing about another (PIPL art. 23: a separate consent per recipient and
        # purpose).
        PLATFORM_PRIVACY = "platform_privacy", _("平台使用与隐私政策")
        BANK_PURCHASE_DATA = "bank_purchase_data", _("向银行提供购物记录用于授信")
        BANK_SALES_DATA = "bank_sales_data", _("向银行提供销售记录用于贷款")
        SMS_SERVICE = "sms_service", _("接收服务短信")
        SMS_MARKETING = "sms_marketing", _("接收营销短信")

    class Method(models.TextChoices):
        SMS_OWN = "sms_own", _("本人手机短信验证码")
        SMS_PROXY = "sms_proxy", _("家人手机短信验证码（代收）")
        PAPER = "paper", _("签署纸质同意书（拍照留存）")
        SELF_ONLINE = "self_online", _("本人在线同意")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    purpose = models.CharField(_("同意事项"), max_length=32, choices=Purpose.choices)
    notice_version = models.CharField(_("告知书版本"), max_length=32)
    method = models.CharField(_("同意方式"), max_length=16, choices=Method.choices)
    # The number the code went to: the person's own, or their proxy's (SMS_PROXY).
    confirmed_mobile = models.CharField(
        _("验证手机号"), max_length=11, blank=True, validators=[mobile_validator]
    )
    proxy_mobile = models.CharField(
        _("代收人手机号"), max_length=11, blank=True, validators=[mobile_validator]
    )
    proxy_relation = models.CharField(_("代收人关系"), max_length=32, blank=True)
    paper_photo = models.ImageField(
        _("纸质同意书照片"), upload_to=consent_photo_upload_to, blank=True
    )
    given_at = models.DateTimeField(_("同意时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at_point = models.CharField(_("记录服务点"), max_length=128, blank=True)
    # Taken for someone at a counter: what the clerk explained, in their words (required for
    # every purpose but the platform's own, whose notice the console shows in full).
    explanation = models.TextField(_("讲解内容"), blank=True)
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")
        ordering = ["-given_at", "-id"]
        indexes = [
            models.Index(fields=["user", "purpose", "-given_at"], name="accounts_consent_user")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method="self_online", recorded_by__isnull=True)
                | (~models.Q(method="self_online") & models.Q(recorded_by__isnull=False)),
                name="accounts_consent_recorder_iff_assisted",
            ),
            models.CheckConstraint(
                condition=~models.Q(method__in=["sms_own", "sms_proxy"])
                | ~models.Q(confirmed_mobile=""),
                name="accounts_consent_sms_has_mobile",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="sms_proxy")
                | (~models.Q(proxy_mobile="") & ~models.Q(proxy_relation="")),
                name="accounts_consent_proxy_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(method__in=["sms_proxy", "paper"]) | ~models.Q(paper_photo=""),
                name="accounts_consent_paper_has_photo",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True)
                | models.Q(revoked_at__gte=models.F("given_at")),
                name="accounts_consent_revoked_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.purpose} {self.given_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SharingRecord(models.Model):
    """One time a person's data went to another party: what, when, to whom, why, and on what
    basis (accounts.services.sharing_record). Written once, never edited; the person reads
    theirs on their account page (/account/).

    `basis` is "consent" (a live Consent of `purpose`, named in `consent`: without one the
    service refuses and nothing is sent) or "contract" (what the person's own contract with
    the recipient needs, e.g. a credit draw the person confirmed: PIPL art. 13(2))."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class Basis(models.TextChoices):
        CONSENT = "consent", _("本人同意")
        CONTRACT = "contract", _("履行本人合同所必需")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="sharing_records",
    )
    recipient = models.CharField(_("接收方"), max_length=128)
    purpose = models.CharField(_("用途"), max_length=64)
    data_items = models.CharField(_("共享内容"), max_length=500)
    basis = models.CharField(_("依据"), max_length=16, choices=Basis.choices)
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("同意记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sharing_records",
    )
    reference = models.CharField(_("业务编号"), max_length=64, blank=True)
    shared_at = models.DateTimeField(_("共享时间"), default=timezone.now)

    class Meta:
        verbose_name = _("数据共享记录")
        verbose_name_plural = _("数据共享记录")
        ordering = ["-shared_at", "-id"]
        indexes = [models.Index(fields=["user", "-shared_at"], name="accounts_sharing_user")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(basis="contract") | models.Q(consent__isnull=False),
                name="accounts_sharing_consent_named",
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.recipient} {self.shared_at:%Y-%m-%d %H:%M}"
