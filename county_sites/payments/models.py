"""Payments of one county: its merchant account at the bank, one Payment per online order,
the refunds sent back through the provider, and the notify nonces already used.

Written only by county_sites.payments.services.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaymentSettings(models.Model):
    """The county's merchant account at the bank gateway: the merchant id and the shared
    secret that signs every message between the bank and this county.

    One row per county schema, read by county_sites.payments.selectors.payment_settings_get.
    With the sandbox bank it is opened the first time an online payment starts
    (county_sites.payments.services.payment_settings_ensure); with a real bank an operator
    would enter the values the bank issued.
    """

    merchant_id = models.CharField(_("商户号"), max_length=32, unique=True)
    secret = models.CharField(_("签名密钥"), max_length=128)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("支付设置")
        verbose_name_plural = _("支付设置")

    def __str__(self):
        return self.merchant_id


class Payment(models.Model):
    """The online payment of an order at the bank gateway (cash orders have none: their money
    is recorded in the ledger when the clerk collects it)."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        PENDING = "pending", _("待支付")
        SUCCEEDED = "succeeded", _("支付成功")
        CLOSED = "closed", _("已关闭")

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="payment", verbose_name=_("订单")
    )
    provider = models.CharField(_("支付方式"), max_length=32)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    bank_token = models.CharField(_("银行支付令牌"), max_length=64, blank=True)
    bank_trade_no = models.CharField(_("银行交易号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    succeeded_at = models.DateTimeField(_("成功时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("支付")
        verbose_name_plural = _("支付")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.order_id} {self.state}"


class Refund(models.Model):
    """Money sent back to the buyer through the provider that took it."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        SUCCEEDED = "succeeded", _("退款成功")

    refund_request = models.OneToOneField(
        "orders.RefundRequest", on_delete=models.PROTECT, related_name="refund"
    )
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    provider = models.CharField(_("支付方式"), max_length=32)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    bank_refund_no = models.CharField(_("银行退款号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.order_id} {self.amount_fen}"


class NotifyNonce(models.Model):
    """A nonce of an accepted bank notify: the same nonce again is a replay and is refused.
    Only written once a notify has passed every check."""

    nonce = models.CharField(max_length=64, unique=True)
    order_number = models.CharField(max_length=20)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("通知随机数")
        verbose_name_plural = _("通知随机数")

    def __str__(self):
        return self.nonce
