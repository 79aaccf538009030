"""Sellers: farmers, co-operatives and merchants selling in a county, with the consent they
gave and their masked payout account. Written through farmers.services.sellers."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import mobile_validator

last4_validator = RegexValidator(r"^[0-9]{4}\Z", _("只保存银行卡号的后4位数字。"))


class Seller(models.Model):
    """A farmer, co-operative or merchant selling in this county.

    Registered by the seller on their phone, by a service-point clerk or by a county operator
    (farmers.services.seller_register, which records consent); county operators edit sellers in
    the county Wagtail admin (卖家).

    The bank account is stored masked: only the bank's name and the last 4 digits, enough for a
    seller to recognise "尾号 1234" on a statement. The full number is handed to the payment
    gateway when a payee is bound and never kept here, so a leaked database, backup or admin
    screen cannot be used to redirect or steal payouts, and we hold no data that would bring
    the county's schema under card-data rules.
    """

    class Kind(models.TextChoices):
        FARMER = "farmer", _("农户")
        COOPERATIVE = "cooperative", _("合作社")
        MERCHANT = "merchant", _("商户")

    class IdVerification(models.TextChoices):
        UNVERIFIED = "unverified", _("未认证")
        PENDING = "pending", _("认证中")
        VERIFIED = "verified", _("已认证")
        REJECTED = "rejected", _("认证未通过")

    class ConsentMethod(models.TextChoices):
        SELF_ON_PHONE = "self_on_phone", _("本人在手机上同意")
        AT_SERVICE_POINT = "at_service_point", _("在服务点当面同意")
        PAPER_FORM = "paper_form", _("签署纸质表格")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.FARMER)
    name = models.CharField(_("名称"), max_length=64)
    mobile = models.CharField(_("手机号码"), max_length=11, validators=[mobile_validator])
    mobile_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    village = models.CharField(_("所在村"), max_length=64, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=64, blank=True)
    bank_account_last4 = models.CharField(
        _("银行卡尾号"), max_length=4, blank=True, validators=[last4_validator]
    )
    id_verification = models.CharField(
        _("身份认证"),
        max_length=16,
        choices=IdVerification.choices,
        default=IdVerification.UNVERIFIED,
    )
    registered_by_point = models.ForeignKey(
        "service_points.ServicePoint",
        verbose_name=_("登记服务点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_sellers",
    )
    consented_at = models.DateTimeField(_("同意时间"))
    consent_method = models.CharField(_("同意方式"), max_length=20, choices=ConsentMethod.choices)
    # Who took the consent on the seller's behalf (clerk or operator); empty only when the
    # seller consented on their own phone.
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("同意记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seller",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("卖家")
        verbose_name_plural = _("卖家")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mobile"], name="farmers_seller_mobile_unique"),
            models.CheckConstraint(
                condition=models.Q(consent_method="self_on_phone")
                | models.Q(consent_recorded_by__isnull=False),
                name="farmers_seller_consent_on_behalf_has_recorder",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["farmer", "cooperative", "merchant"]),
                name="farmers_seller_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def bank_account_masked(self) -> str:
        if not self.bank_account_last4:
            return ""
        return f"{self.bank_name} 尾号 {self.bank_account_last4}".strip()
