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


class SandboxCreditLine(models.Model):
    """A credit line the sandbox bank granted a county's resident (known by mobile), pushed
    to the county as a signed GRANT notice (sandbox_bank.services.credit_line_grant)."""

    merchant = models.ForeignKey(SandboxMerchant, on_delete=models.PROTECT, related_name="+")
    line_no = models.CharField(_("授信编号"), max_length=32, unique=True)
    mobile = models.CharField(_("手机号码"), max_length=11)
    name = models.CharField(_("姓名"), max_length=64, blank=True)
    limit_fen = models.PositiveBigIntegerField(_("额度（分）"))
    rate_bp = models.PositiveIntegerField(_("年利率（基点）"))
    fee_bp = models.PositiveIntegerField(_("手续费（基点）"), default=0)
    terms = models.CharField(_("可选期数"), max_length=16)
    expires_on = models.DateField(_("到期日"))
    state = models.CharField(_("状态"), max_length=16, default="active")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.line_no


class SandboxCreditDraw(models.Model):
    """A loan the sandbox bank made on a county's credit line, paying the county in full."""

    merchant = models.ForeignKey(SandboxMerchant, on_delete=models.PROTECT, related_name="+")
    line_no = models.CharField(_("授信编号"), max_length=32)
    out_draw_no = models.CharField(_("商户用信编号"), max_length=32)
    loan_no = models.CharField(_("借据号"), max_length=32, unique=True)
    amount_fen = models.PositiveBigIntegerField(_("金额（分）"))
    term_months = models.PositiveSmallIntegerField(_("期数"))
    returned_fen = models.PositiveBigIntegerField(_("退回（分）"), default=0)
    notify_url = models.URLField(_("通知地址"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "out_draw_no"], name="sandbox_bank_draw_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(returned_fen__lte=models.F("amount_fen")),
                name="sandbox_bank_draw_return_within",
            ),
        ]

    def __str__(self):
        return self.loan_no


class SandboxCreditReturn(models.Model):
    draw = models.ForeignKey(SandboxCreditDraw, on_delete=models.PROTECT, related_name="+")
    out_return_no = models.CharField(max_length=32)
    return_ref = models.CharField(max_length=32, unique=True)
    to_line_fen = models.PositiveBigIntegerField()
    to_account_fen = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "out_return_no"], name="sandbox_bank_credit_return_unique"
            )
        ]

    def __str__(self):
        return self.return_ref


class SandboxNotice(models.Model):
    """A signed message the sandbox bank sends a county (a credit line granted, an
    instalment repaid), retried until the county answers "success" (sandbox_bank.tasks
    .sandbox_notice_deliver). `fields` are signed afresh, with a new timestamp and nonce, at
    each delivery."""

    merchant = models.ForeignKey(SandboxMerchant, on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=500)
    fields = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.pk} {self.fields.get('event', '')}"


class SandboxLoanApplication(models.Model):
    """A seller's working-capital application a county sent the sandbox bank, with the sales
    history it carried (`sales_summary`, as received). Its decision goes back to the county as
    a signed LOAN_STATE notice (sandbox_bank.services.loan_application_decide)."""

    merchant = models.ForeignKey(SandboxMerchant, on_delete=models.PROTECT, related_name="+")
    out_application_no = models.CharField(_("商户申请编号"), max_length=32)
    application_no = models.CharField(_("银行受理编号"), max_length=32, unique=True)
    seller_name = models.CharField(_("卖家"), max_length=64)
    mobile = models.CharField(_("手机号码"), max_length=11)
    amount_fen = models.PositiveBigIntegerField(_("申请金额（分）"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    purpose = models.CharField(_("用途"), max_length=200)
    sales_summary = models.JSONField(_("销售记录"))
    notify_url = models.URLField(_("通知地址"), max_length=500)
    state = models.CharField(_("状态"), max_length=16, default="submitted")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "out_application_no"], name="sandbox_bank_loan_unique"
            )
        ]

    def __str__(self):
        return self.application_no
