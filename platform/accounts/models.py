"""Users. The same table exists in public (province staff) and in every county schema
(county operators, clerks, sellers and residents): see docs/adr/0002-users-per-county.md.
"""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

mobile_validator = RegexValidator(r"^1[3-9]\d{9}\Z", _("请输入11位中国大陆手机号码。"))


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

    class Purpose(models.TextChoices):
        LOGIN = "login", _("登录")

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
