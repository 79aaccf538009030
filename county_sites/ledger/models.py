"""The county's ledger: every money movement as an immutable entry (DESIGN.md section 4).

Sign convention: `amount_fen` is signed. Each kind is positive in its normal direction and a
reversal of it is negative:

- payment, cash_collected: money received from a buyer (online / at the till), > 0;
- seller_payable: what the county owes a seller for a line, > 0; reversed (< 0) by a refund;
- commission: the county's share of a line, and the delivery fee of an order, > 0; reversed
  (< 0) by a refund;
- refund: money given back to a buyer, > 0;
- payout: money paid to a seller, > 0 (settles payables; not part of the invariant).

So for any period (DESIGN.md section 5):
    payment + cash_collected = seller_payable + commission + refund
because every receipt is split in the same transaction into payables and commission, and
every refund records the refund together with the reversal of that split.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LedgerEntryImmutableError(Exception):
    """Ledger entries are never changed or deleted: correct a mistake with a new entry."""


class LedgerEntry(models.Model):
    """One money movement. Written by county_sites.ledger.services only; read by county
    operators in the daily report (账本日报). Never updated or deleted: save() refuses an
    update, delete() refuses, and a database trigger refuses both (migration 0002)."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("在线收款")
        CASH_COLLECTED = "cash_collected", _("现金收款")
        SELLER_PAYABLE = "seller_payable", _("应付卖家")
        COMMISSION = "commission", _("平台佣金")
        REFUND = "refund", _("退款")
        PAYOUT = "payout", _("付款给卖家")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
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
                    ]
                ),  # fmt: skip
                name="ledger_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["payment", "cash_collected", "refund", "payout"])
                | models.Q(amount_fen__gt=0),
                name="ledger_money_moves_positive",
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
