"""Carts, orders, delivery zones and refund requests of one county (its schema).

Every write goes through county_sites.orders.services; the state machine is in
county_sites.orders.states. Money is integer fen everywhere.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import yuan
from hub.vocabulary import unit_choices


class DeliveryZone(models.Model):
    """A part of the county the county delivers to, at a fixed fee per order.

    County operators edit zones in the county Wagtail admin (配送区域); residents pick one at
    checkout when they choose delivery. A zone is deactivated, never deleted: orders keep it.
    """

    name = models.CharField(_("名称"), max_length=64)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    fee_fen = models.PositiveIntegerField(_("配送费（分）"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("配送区域")
        verbose_name_plural = _("配送区域")
        ordering = ["sort_order", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def fee_yuan(self) -> str:
        return yuan(self.fee_fen)


class Cart(models.Model):
    """A signed-in resident's cart. Anonymous visitors keep theirs in the session; it is merged
    here when they sign in (county_sites.orders.services.cart_merge)."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("购物车")
        verbose_name_plural = _("购物车")

    def __str__(self):
        return f"cart:{self.user_id}"


class CartLine(models.Model):
    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    listing = models.ForeignKey(
        "farmers.Listing", on_delete=models.CASCADE, related_name="+", verbose_name=_("商品")
    )
    quantity = models.PositiveIntegerField(_("数量"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("购物车商品")
        verbose_name_plural = _("购物车商品")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "listing"], name="orders_cartline_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orders_cartline_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.listing_id} × {self.quantity}"


class PointDelivery(models.Model):
    """One delivery day of one service point: the county's van takes the point's prepared
    pickup orders there (docs/adr/0015-delivery-days.md). Sellers bring their goods to the
    county's collection place by `bring_by`; the point's clerk checks the delivery in line by
    line on the console (/clerk/receive/).

    County operators build and dispatch deliveries in the county Wagtail admin (配送单), through
    county_sites.orders.services; nothing edits a row directly.
    """

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        PLANNED = "planned", _("待发出")
        DISPATCHED = "dispatched", _("已发出")
        RECEIVED = "received", _("已收货")

    point = models.ForeignKey(
        "service_points.ServicePoint",
        verbose_name=_("服务点"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    day = models.DateField(_("配送日"))
    bring_by = models.DateTimeField(_("卖家送货截止"))
    collection_place = models.CharField(_("集货地点"), max_length=128)
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.PLANNED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发出人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    dispatched_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收货人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    received_at = models.DateTimeField(_("收货时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("配送单")
        verbose_name_plural = _("配送单")
        ordering = ["-day", "point_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["point", "day"], name="orders_delivery_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(state__in=["planned", "dispatched", "received"]),
                name="orders_delivery_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state="planned") | models.Q(dispatched_at__isnull=False),
                name="orders_delivery_dispatched_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="received") | models.Q(received_at__isnull=False),
                name="orders_delivery_received_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.point.name} {self.day:%Y-%m-%d}"


# A pickup code must be unique among orders in these states: the clerk finds the parcel by it.
OPEN_STATES = ("placed", "paid", "preparing", "at_service_point", "refund_requested")


class Order(models.Model):
    """A resident's order. Placed by the resident on their phone, or by a service-point clerk
    for them (`entered_by`, confirmed by the buyer at `buyer_confirmed_at`).

    County operators read every order in the county Wagtail admin (订单) and move it along:
    prepare, arrive at the service point, hand over / deliver. States and the moves between them
    are in county_sites.orders.states.
    """

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        PLACED = "placed", _("待支付")
        PAID = "paid", _("已支付")
        PREPARING = "preparing", _("备货中")
        AT_SERVICE_POINT = "at_service_point", _("已到服务点")
        COLLECTED = "collected", _("已取货")
        DELIVERED = "delivered", _("已送达")
        CANCELLED = "cancelled", _("已取消")
        REFUND_REQUESTED = "refund_requested", _("退款申请中")
        REFUNDED = "refunded", _("已退款")
        # Not collected within the point's hold and sent back to the county (refunded and
        # restocked for what was still on the shelf): county_sites.orders.services.order_return.
        RETURNED = "returned", _("已退回")

    class Fulfilment(models.TextChoices):
        PICKUP = "pickup", _("服务点自提")
        DELIVERY = "delivery", _("送货上门")

    class PaymentMethod(models.TextChoices):
        BANK_GATEWAY = "bank_gateway", _("在线支付（银行）")
        CASH_ON_PICKUP = "cash_on_pickup", _("到服务点付现金")
        # Paid later from the buyer's credit line at the bank, in credit_term_months
        # instalments (county_sites.credit); the county is paid in full at once.
        CREDIT_LINE = "credit_line", _("授信分期（先买后付）")

    OPEN_STATES = OPEN_STATES

    number = models.CharField(_("订单号"), max_length=20, unique=True, editable=False)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("买家"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    # Who typed the order in: empty when the buyer did it themselves, else the clerk.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代下单人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    buyer_confirmed_at = models.DateTimeField(_("买家确认时间"), null=True, blank=True)
    idempotency_key = models.CharField(_("提交标识"), max_length=64, editable=False)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.PLACED, db_index=True
    )
    # The state a refund request interrupted: a refused request returns the order there.
    state_before_refund = models.CharField(
        _("申请退款前状态"), max_length=20, choices=State.choices, blank=True
    )
    fulfilment = models.CharField(_("配送方式"), max_length=16, choices=Fulfilment.choices)
    service_point = models.ForeignKey(
        "service_points.ServicePoint",
        verbose_name=_("自提服务点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    pickup_code = models.CharField(_("取货码"), max_length=6, blank=True)
    # Where the parcel waits on the point's shelf, set by the clerk on receiving.
    shelf_position = models.ForeignKey(
        "service_points.ShelfPosition",
        verbose_name=_("货架位置"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The point's delivery day this pickup order travels on (at most one, set by the operator).
    point_delivery = models.ForeignKey(
        PointDelivery,
        verbose_name=_("配送单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    delivery_zone = models.ForeignKey(
        DeliveryZone,
        verbose_name=_("配送区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    delivery_address = models.CharField(_("收货地址"), max_length=255, blank=True)
    contact_mobile = models.CharField(_("联系电话"), max_length=11, blank=True)
    payment_method = models.CharField(_("支付方式"), max_length=20, choices=PaymentMethod.choices)
    # Credit orders only: the instalments the buyer chose (1, 3 or 6), kept from placing so
    # an order a clerk entered draws on the line, in them, when the villager confirms it.
    credit_term_months = models.PositiveSmallIntegerField(_("分期期数"), null=True, blank=True)
    lines_total_fen = models.PositiveIntegerField(_("商品金额（分）"))
    delivery_fee_fen = models.PositiveIntegerField(_("配送费（分）"), default=0)
    total_fen = models.PositiveIntegerField(_("应付金额（分）"))
    # Snapshotted at placement: a later change of the rate never changes an order's split.
    # The province's rate for the county (no category); each line has its own
    # (OrderLine.commission_bp), which the ledger uses when set.
    commission_bp = models.PositiveIntegerField(_("佣金费率（基点）"))
    # Set once when the reserved stock goes back to the listings: never twice.
    stock_released_at = models.DateTimeField(_("库存释放时间"), null=True, blank=True)
    placed_at = models.DateTimeField(_("下单时间"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=255, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], name="orders_order_idempotency_unique"
            ),
            models.UniqueConstraint(
                fields=["pickup_code"],
                condition=models.Q(state__in=OPEN_STATES) & ~models.Q(pickup_code=""),
                name="orders_order_open_pickup_code_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total_fen=models.F("lines_total_fen") + models.F("delivery_fee_fen")
                ),
                name="orders_order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    fulfilment="pickup", service_point__isnull=False, delivery_zone__isnull=True
                )
                | models.Q(
                    fulfilment="delivery", delivery_zone__isnull=False, service_point__isnull=True
                ),
                name="orders_order_fulfilment_target",
            ),
            models.CheckConstraint(
                condition=~models.Q(payment_method="cash_on_pickup")
                | models.Q(fulfilment="pickup"),
                name="orders_order_cash_only_with_pickup",
            ),
            models.CheckConstraint(
                condition=models.Q(payment_method="credit_line", credit_term_months__in=[1, 3, 6])
                | (~models.Q(payment_method="credit_line") & models.Q(credit_term_months=None)),
                name="orders_order_credit_term_iff_credit",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    state__in=[
                        "placed",
                        "paid",
                        "preparing",
                        "at_service_point",
                        "collected",
                        "delivered",
                        "cancelled",
                        "refund_requested",
                        "refunded",
                        "returned",
                    ]
                ),  # fmt: skip
                name="orders_order_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-placed_at"], name="orders_order_buyer_idx"),
            models.Index(
                fields=["state", "payment_method", "placed_at"], name="orders_order_due_idx"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def total_yuan(self) -> str:
        return yuan(self.total_fen)

    @property
    def lines_total_yuan(self) -> str:
        return yuan(self.lines_total_fen)

    @property
    def delivery_fee_yuan(self) -> str:
        return yuan(self.delivery_fee_fen)

    @property
    def is_online(self) -> bool:
        """Paid before the goods leave (at the bank's gateway, or from a credit line), not in
        cash at the hand-over: the hand-over takes no cash, a refund goes back through the
        bank, never out of a till."""
        return self.payment_method in (
            self.PaymentMethod.BANK_GATEWAY,
            self.PaymentMethod.CREDIT_LINE,
        )

    @property
    def is_bank_gateway(self) -> bool:
        """Paid on the bank's pay page: a Payment, a notify, reconciliation, the timeout."""
        return self.payment_method == self.PaymentMethod.BANK_GATEWAY

    @property
    def is_credit(self) -> bool:
        return self.payment_method == self.PaymentMethod.CREDIT_LINE


class OrderHandover(models.Model):
    """One hand-over at the service point: some or all of an order's lines leaving with the
    buyer or someone collecting for them (issue 9, partial pickup). Written by
    county_sites.orders.services.order_hand_over / order_collect only; the lines it handed over
    point at it (OrderLine.handover). `key` comes from the clerk's form: the same form posted
    again finds this row and books nothing twice."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="handovers")
    key = models.CharField(_("交付标识"), max_length=64)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交付人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    collected_by_name = models.CharField(_("取货人姓名"), max_length=64, blank=True)
    relation = models.CharField(_("与买家的关系"), max_length=32, blank=True)
    # Cash taken for these lines (0 for an online order): the ledger's cash receipt of the
    # same key says the same; this copy is what the success page shows.
    cash_fen = models.PositiveIntegerField(_("收取现金（分）"), default=0)
    at = models.DateTimeField(_("交付时间"), default=timezone.now)

    class Meta:
        verbose_name = _("交付记录")
        verbose_name_plural = _("交付记录")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "key"], name="orders_handover_key_unique"),
        ]

    def __str__(self):
        return f"{self.order_id} {self.key}"

    @property
    def cash_yuan(self) -> str:
        return yuan(self.cash_fen)


class OrderLine(models.Model):
    """One listing in an order, with the title, unit and price as they were when ordered."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class Arrival(models.TextChoices):
        RECEIVED = "received", _("已收到")
        SHORT = "short", _("缺货")
        DAMAGED = "damaged", _("破损")

    # Arrival checks a line may be handed over with: "" is a parcel that came in without a
    # line-by-line check (received as a whole).
    HANDABLE_ARRIVALS = ("", "received")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    listing = models.ForeignKey(
        "farmers.Listing", verbose_name=_("商品"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the listing: the seller's view and their payables never need a join back.
    seller = models.ForeignKey(
        "farmers.Seller", verbose_name=_("卖家"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标题"), max_length=80)
    unit = models.CharField(_("单位"), max_length=16, choices=unit_choices)
    price_fen = models.PositiveIntegerField(_("单价（分）"))
    quantity = models.PositiveIntegerField(_("数量"))
    line_total_fen = models.PositiveIntegerField(_("小计（分）"))
    # The province's rate for this line's category in this county when the order was placed
    # (hub.selectors.policy): lines of one order may differ by category. Empty on lines
    # placed before the policy existed; the ledger then uses the order's rate.
    commission_bp = models.PositiveIntegerField(_("佣金费率（基点）"), null=True, blank=True)
    # Checked by the point's clerk when the delivery comes in (issue 9, receiving): empty until
    # then. Only a received line can be handed over; a short or damaged one becomes an
    # after-sales case for the buyer.
    arrival = models.CharField(
        _("到货检查"), max_length=16, choices=Arrival.choices, blank=True, default=""
    )
    arrival_checked_at = models.DateTimeField(_("到货检查时间"), null=True, blank=True)
    # Set when this line leaves the point with the buyer (or their collector): a partial
    # pickup hands over some lines and leaves the rest, under a new code.
    handed_over_at = models.DateTimeField(_("交付时间"), null=True, blank=True)
    handover = models.ForeignKey(
        OrderHandover,
        verbose_name=_("交付记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )

    class Meta:
        verbose_name = _("订单商品")
        verbose_name_plural = _("订单商品")
        ordering = ["pk"]
        indexes = [models.Index(fields=["seller", "order"], name="orders_line_seller_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orders_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(line_total_fen=models.F("price_fen") * models.F("quantity")),
                name="orders_line_total_adds_up",
            ),
            models.CheckConstraint(
                condition=models.Q(handover__isnull=True, handed_over_at__isnull=True)
                | models.Q(handover__isnull=False, handed_over_at__isnull=False),
                name="orders_line_handed_over_with_record",
            ),
        ]

    def __str__(self):
        return f"{self.title} × {self.quantity}"

    @property
    def price_yuan(self) -> str:
        return yuan(self.price_fen)

    @property
    def line_total_yuan(self) -> str:
        return yuan(self.line_total_fen)

    @property
    def can_hand_over(self) -> bool:
        """Still on the point's shelf and fit to go: arrived (or not checked line by line) and
        not handed over yet."""
        return self.handed_over_at is None and self.arrival in self.HANDABLE_ARRIVALS


class OrderEvent(models.Model):
    """One move of an order's state: who made it, when, from where to where. Written by
    county_sites.orders.services only; shown on the order page and in the admin."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("订单记录")
        verbose_name_plural = _("订单记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class OrderConfirmation(models.Model):
    """The villager's confirmation of an order a service-point clerk entered for them (issue 9,
    point 5): a one-time code sent by SMS to the villager's (or their proxy's) mobile, or shown
    on the console's large confirmation screen, typed back there by the villager.

    Written by county_sites.orders.services.assisted only; nobody edits it. Only a salted HMAC
    of the code is kept. An order may have several (a new SMS, or a switch to the screen):
    only the latest open one counts; the one accepted is the audit record of how, when and to
    which number the villager confirmed (shown on the order page and in the admin).
    """

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class Method(models.TextChoices):
        SMS = "sms", _("短信验证码确认")
        SCREEN = "screen", _("确认屏确认")

    order = models.ForeignKey(
        Order, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="confirmations"
    )
    method = models.CharField(_("确认方式"), max_length=8, choices=Method.choices)
    code_salt = models.CharField(_("盐"), max_length=32)
    code_hash = models.CharField(_("确认码摘要"), max_length=64)
    # The number the SMS went to (the villager's, or their proxy's); empty for the screen.
    sent_to = models.CharField(_("发送号码"), max_length=11, blank=True)
    sent_to_proxy = models.BooleanField(_("发给代收人"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起店员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    # Set when a newer confirmation replaced this one, or the order was cancelled.
    closed_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    # The clerk whose console took the code from the villager.
    confirmed_via = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认时的店员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("代下单确认")
        verbose_name_plural = _("代下单确认")
        ordering = ["order", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(confirmed_at__isnull=False),
                name="orders_confirmation_once_per_order",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="orders_confirmation_expires_after_created",
            ),
            models.CheckConstraint(
                condition=~models.Q(method="sms") | ~models.Q(sent_to=""),
                name="orders_confirmation_sms_has_number",
            ),
        ]

    def __str__(self):
        return f"{self.order_id} {self.method} {self.created_at:%Y-%m-%d %H:%M:%S}"


class RefundRequest(models.Model):
    """A resident's request for their money back, with a reason and up to 3 photos. County
    operators approve or refuse it in the county Wagtail admin (退款申请)."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    class State(models.TextChoices):
        REQUESTED = "requested", _("待处理")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("已拒绝")

    class Scope(models.TextChoices):
        ORDER = "order", _("整单")
        LINES = "lines", _("部分商品")

    order = models.ForeignKey(
        Order, verbose_name=_("订单"), on_delete=models.PROTECT, related_name="refund_requests"
    )
    # A whole-order request moves the order to refund_requested; a request for some lines (a
    # short or damaged line found on receiving) leaves the order where it is and gives back
    # those lines' value only (county_sites.orders.services.refunds).
    scope = models.CharField(_("范围"), max_length=8, choices=Scope.choices, default=Scope.ORDER)
    lines = models.ManyToManyField(
        OrderLine, verbose_name=_("退款商品"), blank=True, related_name="refund_requests"
    )
    reason = models.TextField(_("退款原因"))
    amount_fen = models.PositiveIntegerField(_("退款金额（分）"))
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    refusal_reason = models.TextField(_("拒绝原因"), blank=True)

    class Meta:
        verbose_name = _("退款申请")
        verbose_name_plural = _("退款申请")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(state="requested"),
                name="orders_refund_one_open_per_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="refused") | ~models.Q(refusal_reason=""),
                name="orders_refund_refused_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=["order", "lines"]), name="orders_refund_scope_valid"
            ),
        ]

    def __str__(self):
        return f"{self.order.number} {self.get_state_display()}"

    def clean(self):
        if not self.reason.strip():
            raise ValidationError({"reason": _("请填写退款原因。")})

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount_fen)


def refund_photo_upload_to(instance: "RefundRequestPhoto", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:6] or ".jpg"
    return f"refunds/{instance.refund_request_id}/{uuid.uuid4().hex}{suffix}"


class RefundRequestPhoto(models.Model):
    """A photo attached to a refund request (normalised: upright sRGB JPEG, no metadata)."""

    # Never referenced from CMS content: no Wagtail reference index rows on every save (issue 13).
    wagtail_reference_index_ignore = True

    refund_request = models.ForeignKey(
        RefundRequest, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("照片"), upload_to=refund_photo_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("退款照片")
        verbose_name_plural = _("退款照片")
        ordering = ["pk"]

    def __str__(self):
        return self.image.name
