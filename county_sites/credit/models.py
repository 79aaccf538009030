"""Residents' credit lines at the bank and what is drawn on them (issue 11, points 1 and 2).

The bank owns the loan; the county keeps its mirror: the line the bank granted (pushed by the
bank's signed notify, or imported by a county operator from the bank's file of pre-approved
households), each draw (one per order paid "later"), its instalment schedule, the credit given
back by refunds. Written only by county_sites.credit.services. The county's own money (the
bank paying the county in full for a credit order) is in the ledger, as a `payment` with
provider `credit_line`.

Amounts are integer fen. Rates are basis points a year (1,000 = 10 % a year).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import yuan

TERM_CHOICES = (1, 3, 6)


class CreditLine(models.Model):
    """A resident's credit line at the bank: one per resident in a county. The bank changes
    it by pushing it again (a new limit, a freeze); an operator by importing a newer file.
    County operators read the lines in the county Wagtail admin (授信额度)."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        ACTIVE = "active", _("可用")
        FROZEN = "frozen", _("已冻结")
        EXPIRED = "expired", _("已到期")

    class Source(models.TextChoices):
        BANK_PUSH = "bank_push", _("银行推送")
        COUNTY_IMPORT = "county_import", _("县运营导入预授信名单")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("居民"),
        on_delete=models.PROTECT,
        related_name="credit_line",
    )
    line_no = models.CharField(_("授信编号"), max_length=32, unique=True)
    limit_fen = models.PositiveBigIntegerField(_("额度（分）"))
    rate_bp = models.PositiveIntegerField(_("年利率（基点）"))
    fee_bp = models.PositiveIntegerField(_("分期手续费（基点）"), default=0)
    term_choices = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("可选期数"))
    expires_on = models.DateField(_("到期日"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.ACTIVE)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    granted_at = models.DateTimeField(_("授信时间"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("授信额度")
        verbose_name_plural = _("授信额度")
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(limit_fen__gt=0), name="credit_line_limit_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(term_choices__contained_by=list(TERM_CHOICES))
                & ~models.Q(term_choices=[]),
                name="credit_line_terms_valid",
            ),
        ]

    def __str__(self):
        return f"{self.line_no} {yuan(self.limit_fen)}"

    @property
    def limit_yuan(self) -> str:
        return yuan(self.limit_fen)

    @property
    def rate_percent(self) -> str:
        return f"{self.rate_bp / 100:.2f}"


class CreditDraw(models.Model):
    """One order paid from a credit line, in `term_months` instalments. `principal_fen` is
    what was drawn (the order's total); the schedule is its CreditInstalment rows, whose
    principal a refund reduces (CreditReturn)."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    line = models.ForeignKey(
        CreditLine, verbose_name=_("授信额度"), on_delete=models.PROTECT, related_name="draws"
    )
    order = models.OneToOneField(
        "orders.Order", verbose_name=_("订单"), on_delete=models.PROTECT,
        related_name="credit_draw",
    )  # fmt: skip
    draw_no = models.CharField(_("用信编号"), max_length=32, unique=True)
    principal_fen = models.PositiveBigIntegerField(_("本金（分）"))
    term_months = models.PositiveSmallIntegerField(_("期数"))
    rate_bp = models.PositiveIntegerField(_("年利率（基点）"))
    fee_bp = models.PositiveIntegerField(_("分期手续费（基点）"), default=0)
    bank_ref = models.CharField(_("银行借据号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("用信时间"), default=timezone.now)

    class Meta:
        verbose_name = _("用信")
        verbose_name_plural = _("用信")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(principal_fen__gt=0), name="credit_draw_principal_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(term_months__in=list(TERM_CHOICES)),
                name="credit_draw_term_valid",
            ),
        ]

    def __str__(self):
        return self.draw_no


class CreditInstalment(models.Model):
    """One instalment of a draw: due on `due_on`, repaid through the bank (its signed
    repayment notify sets `paid_at`). `reminded_at`: the SMS reminder went (once)."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    draw = models.ForeignKey(CreditDraw, on_delete=models.PROTECT, related_name="instalments")
    seq = models.PositiveSmallIntegerField(_("期次"))
    due_on = models.DateField(_("应还日"))
    principal_fen = models.PositiveBigIntegerField(_("本金（分）"))
    interest_fen = models.PositiveBigIntegerField(_("利息（分）"))
    fee_fen = models.PositiveBigIntegerField(_("手续费（分）"), default=0)
    paid_at = models.DateTimeField(_("还款时间"), null=True, blank=True)
    paid_fen = models.PositiveBigIntegerField(_("实还（分）"), default=0)
    bank_ref = models.CharField(_("银行还款流水号"), max_length=64, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("分期")
        verbose_name_plural = _("分期")
        ordering = ["draw_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "seq"], name="credit_instalment_unique"),
            models.CheckConstraint(
                condition=models.Q(paid_at__isnull=True, paid_fen=0)
                | models.Q(paid_at__isnull=False),
                name="credit_instalment_paid_iff_time",
            ),
        ]

    def __str__(self):
        return f"{self.draw_id}#{self.seq}"

    @property
    def due_fen(self) -> int:
        return self.principal_fen + self.interest_fen + self.fee_fen

    @property
    def due_yuan(self) -> str:
        return yuan(self.due_fen)

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class CreditReturn(models.Model):
    """Credit given back for an approved refund of a credit order: `to_line_fen` came off
    the unpaid principal (the limit is free again), `to_account_fen` (instalments already
    repaid) the bank pays back to the resident's account."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    draw = models.ForeignKey(CreditDraw, on_delete=models.PROTECT, related_name="returns")
    refund_request = models.OneToOneField(
        "orders.RefundRequest", on_delete=models.PROTECT, related_name="credit_return"
    )
    amount_fen = models.PositiveBigIntegerField(_("退回金额（分）"))
    to_line_fen = models.PositiveBigIntegerField(_("恢复额度（分）"))
    to_account_fen = models.PositiveBigIntegerField(_("退回账户（分）"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("授信退回")
        verbose_name_plural = _("授信退回")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen=models.F("to_line_fen") + models.F("to_account_fen")),
                name="credit_return_adds_up",
            )
        ]

    def __str__(self):
        return f"{self.draw_id} {self.amount_fen}"


LOAN_TERM_CHOICES = (6, 12, 24, 36)


class LoanApplication(models.Model):
    """A seller's application for working capital against their sales (issue 11, point 3).

    Sent to the bank with the seller's sales history, only with their live consent to share
    it (accounts.Consent "bank_sales_data"; the sharing is `sharing`). The bank decides and
    tells the county each step by a signed LOAN_STATE message; each step's time is kept.
    `sales_summary` is exactly what was sent: {"months": [{"month", "sold_fen",
    "commission_fen", "payable_fen"}, ...], "sold_fen", "payable_fen"}."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        UNDER_REVIEW = "under_review", _("银行审核中")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未获批准")
        DISBURSED = "disbursed", _("已放款")

    seller = models.ForeignKey(
        "farmers.Seller", verbose_name=_("卖家"), on_delete=models.PROTECT,
        related_name="loan_applications",
    )  # fmt: skip
    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    amount_fen = models.PositiveBigIntegerField(_("申请金额（分）"))
    purpose = models.CharField(_("贷款用途"), max_length=200)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    bank_ref = models.CharField(_("银行受理编号"), max_length=64, blank=True)
    approved_fen = models.PositiveBigIntegerField(_("批准金额（分）"), null=True, blank=True)
    bank_note = models.CharField(_("银行说明"), max_length=200, blank=True)
    sales_summary = models.JSONField(_("提供的销售记录"))
    sharing = models.ForeignKey(
        "accounts.SharingRecord", verbose_name=_("数据共享记录"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("开始审核时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    disbursed_at = models.DateTimeField(_("放款时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("经营贷款申请")
        verbose_name_plural = _("经营贷款申请")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="loan_application_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(term_months__in=list(LOAN_TERM_CHOICES)),
                name="loan_application_term_valid",
            ),
        ]

    def __str__(self):
        return self.number
