"""The county's ledger: every money movement as an immutable entry (DESIGN.md section 4).

Sign convention: `amount_fen` is signed. Each kind is positive in its normal direction and a
reversal of it is negative:

- payment, cash_collected: money received from a buyer (online / at the till), > 0;
- seller_payable: what the county owes a seller for a line, > 0; reversed (< 0) by a refund;
- commission: the county's share of a line, and the delivery fee of an order, > 0; reversed
  (< 0) by a refund;
- refund: money given back to a buyer, > 0;
- payout: money paid to a seller, > 0 (settles payables; not part of the invariant).

A service point's till (docs/adr/0014-till-and-point-commissions.md): entries that move cash
in or out of a point's drawer carry `service_point`. The till's cash in is the point's
cash_collected entries themselves and its cash refunds the point's refund entries (a cash
order's refund is booked with the point), so no money is written twice. Outside the
invariant, like payout:

- till_handover: cash the point hands over to the county, > 0 (out of the till);
- till_difference: counted - expected at a day's close (TillClose), signed;
- point_commission: the point's commission on a handed-over order (rate snapshot in `rate`,
  the handed-over value in `base_fen`), > 0; clawed back (< 0) by a refund of that order;
- point_commission_release: the commission released to the point after the return window,
  > 0; reversed (< 0) when a released commission is clawed back.

Point commissions are the county's expense out of its own commission: they move no buyer's
money, so the invariant keeps its three terms.

So for any period (DESIGN.md section 5):
    payment + cash_collected = seller_payable + commission + refund
because every receipt is split in the same transaction into payables and commission, and
every refund records the refund together with the reversal of that split.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LedgerEntryImmutableError(Exception):
    """Ledger entries are never changed or deleted: correct a mistake with a new entry."""


class LedgerEntry(models.Model):
    """One money movement. Written by county_sites.ledger.services only; read by county
    operators in the daily report (账本日报). Never updated or deleted: save() refuses an
    update, delete() refuses, and a database trigger refuses both (migration 0002)."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("在线收款")
        CASH_COLLECTED = "cash_collected", _("现金收款")
        SELLER_PAYABLE = "seller_payable", _("应付卖家")
        COMMISSION = "commission", _("平台佣金")
        REFUND = "refund", _("退款")
        PAYOUT = "payout", _("付款给卖家")
        TILL_HANDOVER = "till_handover", _("现金交县")
        TILL_DIFFERENCE = "till_difference", _("现金盘点差额")
        POINT_COMMISSION = "point_commission", _("服务点佣金")
        POINT_COMMISSION_RELEASE = "point_commission_release", _("服务点佣金结算")

    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order_line = models.ForeignKey(
        "orders.OrderLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seller = models.ForeignKey(
        "farmers.Seller", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refund_request = models.ForeignKey(
        "orders.RefundRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_point = models.ForeignKey(
        "service_points.ServicePoint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务点"),
    )
    # Point commissions only: the rate when accrued and the handed-over value it applied to.
    rate = models.DecimalField(_("佣金比例"), max_digits=5, decimal_places=4, null=True, blank=True)
    base_fen = models.BigIntegerField(_("计佣金额（分）"), null=True, blank=True)
    # Till movements booked by hand (a handover to the county, a day's close): who did it.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    provider = models.CharField(_("支付方式"), max_length=32, blank=True)
    # Which receipt of the order this entry belongs to when there can be several: a cash
    # order is paid at the till one hand-over at a time (a partial pickup takes the cash for
    # the lines leaving now), each hand-over's entries under its key
    # (county_sites.orders.models.OrderHandover.key). Empty for an online payment and refunds.
    receipt_key = models.CharField(_("收款标识"), max_length=64, blank=True, default="")
    memo = models.CharField(_("说明"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("账目")
        verbose_name_plural = _("账目")
        ordering = ["created_at", "pk"]
        constraints = [
            # One online payment per order: a duplicate notify cannot book money twice.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(kind="payment"),
                name="ledger_one_payment_per_order",
            ),
            # One cash receipt per hand-over of an order: a retried hand-over (the same form
            # posted again) cannot book the cash twice.
            models.UniqueConstraint(
                fields=["order", "receipt_key"],
                condition=models.Q(kind="cash_collected"),
                name="ledger_one_cash_receipt_per_key",
            ),
            models.UniqueConstraint(
                fields=["refund_request"],
                condition=models.Q(kind="refund"),
                name="ledger_one_refund_per_request",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "payment",
                        "cash_collected",
                        "seller_payable",
                        "commission",
                        "refund",
                        "payout",
                        "till_handover",
                        "till_difference",
                        "point_commission",
                        "point_commission_release",
                    ]
                ),  # fmt: skip
                name="ledger_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    kind__in=["payment", "cash_collected", "refund", "payout", "till_handover"]
                )
                | models.Q(amount_fen__gt=0),
                name="ledger_money_moves_positive",
            ),
            # A till movement or a point's commission always names its point.
            models.CheckConstraint(
                condition=~models.Q(
                    kind__in=[
                        "till_handover",
                        "till_difference",
                        "point_commission",
                        "point_commission_release",
                    ]
                )
                | models.Q(service_point__isnull=False),
                name="ledger_till_and_point_entries_name_the_point",
            ),
            # A point commission (or its release) is per order and never zero: the sign says
            # whether it is the accrual (> 0) or its clawback (< 0).
            models.CheckConstraint(
                condition=~models.Q(kind__in=["point_commission", "point_commission_release"])
                | (
                    models.Q(order__isnull=False, rate__isnull=False, base_fen__isnull=False)
                    & ~models.Q(amount_fen=0)
                ),
                name="ledger_point_commission_complete",
            ),
            # Exactly once per order: one accrual, one clawback, one release, one reversal.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(kind="point_commission", amount_fen__gt=0),
                name="ledger_one_point_commission_per_order",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(kind="point_commission", amount_fen__lt=0),
                name="ledger_one_point_commission_clawback_per_order",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(kind="point_commission_release", amount_fen__gt=0),
                name="ledger_one_point_commission_release_per_order",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(kind="point_commission_release", amount_fen__lt=0),
                name="ledger_one_point_commission_release_reversal_per_order",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount_fen}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerEntryImmutableError("ledger entries are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerEntryImmutableError("ledger entries are immutable")


class TillClose(models.Model):
    """A service point's till closed for one business day (local date, the county's time
    zone): the clerk counted the cash. Written by county_sites.ledger.till.till_close only;
    county operators read them in the county Wagtail admin (现金日结), read-only.

    It holds no amount: the difference counted - expected is the linked ledger entry
    (till_difference), the expected cash is computed from the till's ledger entries up to
    the close (county_sites.ledger.selectors), and counted = expected + difference. Never
    updated or deleted, like the entries."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    service_point = models.ForeignKey(
        "service_points.ServicePoint",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("服务点"),
    )
    business_day = models.DateField(_("营业日"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("日结人"),
    )
    closed_at = models.DateTimeField(_("日结时间"))
    difference_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, related_name="+", verbose_name=_("差额账目")
    )

    class Meta:
        verbose_name = _("现金日结")
        verbose_name_plural = _("现金日结")
        ordering = ["-business_day", "service_point_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "business_day"], name="ledger_one_till_close_per_day"
            )
        ]

    def __str__(self):
        return f"{self.service_point_id} {self.business_day}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerEntryImmutableError("till closes are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerEntryImmutableError("till closes are immutable")
