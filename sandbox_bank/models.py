"""SANDBOX BANK: a pretend bank gateway for development and tests. Not a real bank, moves no
money. Its tables live in public, like a bank's own database outside every county; they never
point at county rows (a county is known by its id, an order by its number).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SandboxMerchant(models.Model):
    """A county's merchant account at the sandbox bank, opened by sandbox_bank.services
    .merchant_open. `secret` signs every message both ways (HMAC-SHA256)."""

    county_id = models.BigIntegerField(_("县ID"), unique=True)
    name = models.CharField(_("商户名称"), max_length=128)
    merchant_id = models.CharField(_("商户号"), max_length=32, unique=True)
    secret = models.CharField(_("签名密钥"), max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("沙箱商户")
        verbose_name_plural = _("沙箱商户")

    def __str__(self):
        return f"{self.merchant_id} {self.name}"


class SandboxTransaction(models.Model):
    """One payment a merchant asked the sandbox bank to take, paid on its pay page."""

    class State(models.TextChoices):
        PENDING = "pending", _("待支付")
        PAID = "paid", _("已支付")
        CLOSED = "closed", _("已关闭")

    merchant = models.ForeignKey(SandboxMerchant, on_delete=models.PROTECT, related_name="+")
    out_trade_no = models.CharField(_("商户订单号"), max_length=32)
    trade_no = models.CharField(_("银行交易号"), max_length=32, unique=True)
    token = models.CharField(max_length=64, unique=True)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    refunded_fen = models.PositiveIntegerField(_("已退金额（分）"), default=0)
    subject = models.CharField(_("商品说明"), max_length=128, blank=True)
    notify_url = models.URLField(_("通知地址"), max_length=500)
    return_url = models.URLField(_("返回地址"), max_length=500)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    notify_attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("沙箱交易")
        verbose_name_plural = _("沙箱交易")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "out_trade_no"], name="sandbox_bank_trade_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_fen__lte=models.F("amount_fen")),
                name="sandbox_bank_refund_within_amount",
            ),
        ]

    def __str__(self):
        return self.trade_no


class SandboxRefund(models.Model):
    transaction = models.ForeignKey(
        SandboxTransaction, on_delete=models.PROTECT, related_name="refunds"
    )
    out_refund_no = models.CharField(max_length=32)
    refund_no = models.CharField(max_length=32, unique=True)
    amount_fen = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["transaction", "out_refund_no"], name="sandbox_bank_refund_unique"
            )
        ]

    def __str__(self):
        return self.refund_no
