"""The cash hold (issue 14, point 5): a cash-on-pickup order holds its stock from placing,
and nobody pays for it until pickup, so one nobody acts on would hold it forever. After the
county's ServicePointSettings.cash_order_hold_days from the buyer's confirmation, a cash
order still `placed` (the county has not started preparing it) is cancelled by the system,
its stock released, and the buyer told by SMS.

Only `placed`: a prepared parcel exists, and one at the point follows the parcel hold and the
clerk's return (services.returns). Idempotent: a cancelled order is not selected again, and
the cancel releases stock once (it refuses an order that is no longer `placed`)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import sms_send
from county_sites.orders.models import Order
from county_sites.orders.selectors import order_ids_cash_unstarted
from county_sites.orders.services.base import order_lock
from county_sites.orders.services.moves import order_cancel_locked
from service_points.selectors import service_point_settings_get

MSG_CANCELLED_CASH_HOLD = _("到付订单超过保留期还没有开始备货，已自动取消。")
SMS_CASH_EXPIRED = _(
    "【丰收】订单 %(number)s（到服务点付现金）%(days)s 天内没有开始备货，已自动取消，"
    "不用付款。还需要的话请重新下单。"
)


def _hold_days() -> int:
    return service_point_settings_get().cash_order_hold_days


def cash_order_expire(*, order_id: int, now: dt.datetime | None = None) -> Order | None:
    """Cancel one cash order past the hold and text the buyer; the order, or None when there
    was nothing to do (not cash, no longer placed, not confirmed, still within the hold)."""
    now = now or timezone.now()
    days = _hold_days()
    with transaction.atomic():
        order = order_lock(order_id)
        confirmed = order.buyer_confirmed_at
        if (
            order.state != Order.State.PLACED
            or order.payment_method != Order.PaymentMethod.CASH_ON_PICKUP
            or confirmed is None
            or confirmed > now - dt.timedelta(days=days)
        ):
            return None
        order = order_cancel_locked(order, actor=None, reason=MSG_CANCELLED_CASH_HOLD)
        mobile = order.contact_mobile or order.buyer.mobile
        if mobile:
            # The county's language, as every SMS (services.placing).
            with translation.override(settings.LANGUAGE_CODE):
                text = str(SMS_CASH_EXPIRED % {"number": order.number, "days": days})
            sms_send(mobile=mobile, text=text, now=now)
        return order


def cash_orders_expire(*, now: dt.datetime | None = None) -> list[str]:
    """Cancel every cash order of the county past the hold; their numbers (the beat task's
    work, county_sites.orders.tasks.orders_expire_cash)."""
    now = now or timezone.now()
    cancelled = []
    for order_id in order_ids_cash_unstarted(
        confirmed_before=now - dt.timedelta(days=_hold_days())
    ):
        order = cash_order_expire(order_id=order_id, now=now)
        if order is not None:
            cancelled.append(order.number)
    return cancelled
