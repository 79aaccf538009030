"""Orders a service-point clerk enters for a villager, and the villager's confirmation (issue 9,
point 5). The clerk's console (county_sites.clerk.views.order) calls these.

1. assisted_order_send: the clerk's basket becomes an order for pickup at the clerk's own
   point (order_place with entered_by: the stock is reserved at once, so it is held while the
   villager decides and can never be oversold), and a confirmation is opened: a one-time code
   sent by SMS to the villager's mobile (or their proxy's), or shown on the console's large
   confirmation screen. Until the villager confirms, the order cannot be paid, prepared, sent
   or handed over (county_sites.orders.states.NEED_BUYER_CONFIRMATION).
2. assisted_order_confirm: the code typed back at the console. Refused, changing nothing
   (order, events, stock, ledger, the confirmation row): a wrong code (counted; after
   CONFIRMATION_MAX_WRONG_TRIES even the right one is refused, so the 6 digits cannot be
   guessed), an expired one, a used one (the order is already confirmed), one of a cancelled
   order. An expired hold is cancelled first, in its own transaction, exactly as the beat
   task would (assisted_order_expire), then the code is refused.
3. assisted_order_resend: a new code (SMS again, or a switch to the screen) replaces the
   open one; at most CONFIRMATION_MAX_SENDS per order, so resending cannot beat the limit.
4. assisted_order_cancel: the point's clerk drops an order still waiting for the villager.
5. assisted_order_expire / assisted_orders_expire: the hold ends when the latest open code
   has expired (and at least ServicePointSettings.confirmation_minutes after placing): the
   order is cancelled and its stock released, once (Order.stock_released_at).

Every action is by an active clerk of an open point and only on that point's orders; another
point's order is "not found here", like an unknown one. The audit record is the order
(entered_by, buyer, service_point, placed_at) and its accepted OrderConfirmation (method,
sent_to, confirmed_at, confirmed_via).
"""

import datetime as dt
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.selectors import consent_current
from accounts.services import mobile_normalize, sms_send
from core.errors import ApplicationError
from core.money import yuan
from county_sites.credit.selectors import credit_line_for_user, credit_quote
from county_sites.credit.services import credit_usable_check
from county_sites.orders import states
from county_sites.orders.models import Order, OrderConfirmation
from county_sites.orders.selectors import order_ids_awaiting_confirmation
from county_sites.orders.services.base import order_event_log, order_lock
from county_sites.orders.services.credit import (
    credit_order_prepare,
    credit_term_check,
    order_pay_from_credit_locked,
)
from county_sites.orders.services.moves import order_cancel_locked
from county_sites.orders.services.placing import MSG_PAYMENT_INVALID, order_place
from service_points.models import Clerk
from service_points.selectors import (
    clerk_point_for_user,
    point_villager_get,
    service_point_settings_get,
)
from service_points.services import MSG_NOT_A_CLERK

MSG_VILLAGER_NOT_HERE = _("本服务点没有登记这位村民。")
MSG_ORDER_NOT_HERE = _("本服务点没有这张代下单。")
MSG_NOT_FOR_YOURSELF = _("店员不能为自己代下单。")
MSG_METHOD_INVALID = _("请选择确认方式：短信验证码或确认屏。")
MSG_NO_MOBILE = _("这位村民没有能收短信的手机号，请用确认屏确认。")
MSG_ONLINE_NEEDS_MOBILE = _("这位村民没有手机号，不能在线支付，请选到店付现金。")
MSG_PROXY_IS_CLERK = _("确认短信不能发到店员的手机号。")
MSG_CODE_WRONG = _("确认码不正确，请再看一遍。")
MSG_CODE_EXPIRED = _("确认已超时，订单已取消，商品已放回库存。")
MSG_CODE_USED = _("订单 %(number)s 已经确认过，确认码不能再用。")
MSG_CODE_CLOSED = _("这个确认码已失效，请重新发送确认码。")
MSG_ORDER_CANCELLED = _("订单 %(number)s 已取消，不能再确认。")
MSG_TOO_MANY_TRIES = _("确认码错误次数太多，请重新发送确认码。")
MSG_TOO_MANY_SENDS = _("这张订单已发过 %(count)s 次确认码，不能再发；请取消后重新下单。")
MSG_NOT_WAITING = _("订单 %(number)s 不在等待村民确认。")
MSG_CANCELLED_UNCONFIRMED = _("村民未在时限内确认，代下单已自动取消。")
MSG_CANCELLED_BY_CLERK = _("店员取消了代下单。")
NOTE_CONFIRMED = _("村民已确认（%(method)s）")
NOTE_CONFIRMED_SENT_TO = _("村民已确认（%(method)s，发送至 %(mobile)s）")
SMS_CONFIRMATION_CODE = _(
    "【丰收】%(point)s 为您代下单：%(items)s，共 %(total)s 元。同意请把确认码 %(code)s "
    "告诉店员，%(minutes)s 分钟内有效；不是您要买的请不要告诉别人。"
)
SMS_CONFIRMATION_CODE_CREDIT = _(
    "【丰收】%(point)s 为您代下单：%(items)s，共 %(total)s 元，用您的授信额度分 %(term)s 期"
    "付款，利息和手续费共 %(cost)s 元。同意请把确认码 %(code)s 告诉店员，%(minutes)s 分钟内"
    "有效；不是您要买的请不要告诉别人。"
)
SMS_CONFIRMED_CREDIT = _(
    "【丰收】订单 %(number)s 已确认，%(total)s 元已用授信分 %(term)s 期支付，到 %(point)s "
    "取货，取货码 %(code)s。还款计划请在手机上查看“我的账户”。"
)
SMS_CONFIRMED_CASH = _(
    "【丰收】订单 %(number)s 已确认，金额 %(total)s 元，到 %(point)s 取货时付现金，"
    "取货码 %(code)s。"
)
SMS_CONFIRMED_ONLINE = _(
    "【丰收】订单 %(number)s 已确认，金额 %(total)s 元，请在手机上打开 %(url)s 支付，"
    "到 %(point)s 取货，取货码 %(code)s。"
)

CONFIRMATION_CODE_DIGITS = 6
CONFIRMATION_MAX_WRONG_TRIES = 5
CONFIRMATION_MAX_SENDS = 3
# Items named in the code's SMS; more are summed up as "等 N 件" (an SMS stays short).
SMS_ITEMS_SHOWN = 3


# ------------------------------------------------------------------------------------------
# Codes
# ------------------------------------------------------------------------------------------
def _code_hash(*, salt: str, order_id: int, code: str) -> str:
    # Keyed by SECRET_KEY, like accounts' login codes: a database dump alone reveals no code.
    return salted_hmac(
        "orders.OrderConfirmation", f"{salt}:{order_id}:{code}", algorithm="sha256"
    ).hexdigest()


def _screen_code(salt: str) -> str:
    """The code the confirmation screen shows, derived from the row's salt and SECRET_KEY, so
    it can be shown again (a reload, a second tablet of the point) without being stored."""
    digest = salted_hmac("orders.OrderConfirmation.screen", salt, algorithm="sha256")
    return (
        f"{int(digest.hexdigest(), 16) % 10**CONFIRMATION_CODE_DIGITS:0{CONFIRMATION_CODE_DIGITS}d}"
    )


def screen_confirmation_code_hash(*, salt: str, order_id: int) -> str:
    """The stored hash of the code a confirmation screen shows for `salt`: what
    assisted_order_send writes for the screen method (the demo's bulk history too)."""
    return _code_hash(salt=salt, order_id=order_id, code=_screen_code(salt))


def confirmation_screen_code(confirmation: OrderConfirmation | None) -> str:
    """The code to show on the large confirmation screen: only for an open, unexpired screen
    confirmation; "" otherwise (an SMS code is never shown to the clerk)."""
    if (
        confirmation is None
        or confirmation.method != OrderConfirmation.Method.SCREEN
        or confirmation.closed_at is not None
        or confirmation.expires_at <= timezone.now()
    ):
        return ""
    return _screen_code(confirmation.code_salt)


# Wrong tries are counted in Redis (Django's cache, keyed per county by django-tenants), as
# handover does: the refusal raises inside the order's transaction and must leave nothing in
# the database; the key expires with the code.
def _tries_key(confirmation: OrderConfirmation) -> str:
    return f"orders:confirmation-wrong-tries:{confirmation.pk}"


def confirmation_wrong_tries(confirmation: OrderConfirmation) -> int:
    return int(cache.get(_tries_key(confirmation), 0))


def _wrong_try_count(confirmation: OrderConfirmation, now: dt.datetime) -> None:
    key = _tries_key(confirmation)
    timeout = max(1, int((confirmation.expires_at - now).total_seconds()) + 60)
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)


# ------------------------------------------------------------------------------------------
# Who and where
# ------------------------------------------------------------------------------------------
def _clerk_point(clerk_user):
    point = clerk_point_for_user(user=clerk_user)
    if point is None:
        raise ApplicationError(MSG_NOT_A_CLERK)
    return point


def _order_here(point, order: Order | int, *, lock: bool) -> Order:
    """The order if it is one entered for a villager at `point`; the same refusal for an
    unknown order and another point's, so a clerk learns nothing of it."""
    order_id = getattr(order, "pk", order)
    try:
        order = order_lock(order_id) if lock else Order.objects.get(pk=order_id)
    except Order.DoesNotExist:
        raise ApplicationError(MSG_ORDER_NOT_HERE) from None
    if (
        order.fulfilment != Order.Fulfilment.PICKUP
        or order.service_point_id != point.pk
        or order.entered_by_id is None
    ):
        raise ApplicationError(MSG_ORDER_NOT_HERE)
    return order


def villager_proxy_mobile(*, villager) -> str:
    """The mobile of the family member the villager named as proxy when registering (their
    current platform consent, accounts.Consent); "" when they named none.

    The console offers only this number as the SMS's other destination: a clerk can never
    type a number of their own choosing (it could be their own phone)."""
    consent = consent_current(user=villager)
    return consent.proxy_mobile if consent is not None else ""


def _sms_destination(*, villager, method: str, proxy_mobile: str) -> tuple[str, bool]:
    """(number, sent to the proxy) for the code; ("", False) for the screen."""
    if method == OrderConfirmation.Method.SCREEN:
        return "", False
    if proxy_mobile:
        proxy = mobile_normalize(mobile=proxy_mobile)
        if proxy != villager.mobile:
            # A clerk's phone is never a proxy: the code must reach the villager's side.
            if Clerk.objects.filter(user__mobile=proxy).exists():
                raise ApplicationError(MSG_PROXY_IS_CLERK, field="proxy_mobile")
            return proxy, True
    if not villager.mobile:
        raise ApplicationError(MSG_NO_MOBILE, field="method")
    return villager.mobile, False


def credit_cost_fen(order: Order) -> int:
    """Interest and fee of paying the credit order in its term now (the quote shown before
    the villager confirms; the draw at confirmation prices it by the same rules)."""
    line = credit_line_for_user(user=order.buyer)
    if line is None:
        return 0
    for quote in credit_quote(line=line, amount_fen=order.total_fen):
        if quote.term_months == order.credit_term_months:
            return quote.interest_fen + quote.fee_fen
    return 0


def _hold_minutes() -> int:
    return service_point_settings_get().confirmation_minutes


def _items_text(order: Order) -> str:
    lines = list(order.lines.order_by("pk"))
    shown = "、".join(f"{line.title}×{line.quantity}" for line in lines[:SMS_ITEMS_SHOWN])
    if len(lines) > SMS_ITEMS_SHOWN:
        shown += gettext("等 %(count)s 件") % {"count": len(lines)}
    return shown


def _confirmation_open(
    order: Order, *, clerk_user, villager, method: str, proxy_mobile: str, now: dt.datetime
) -> OrderConfirmation:
    """A new code for the locked order, replacing any open one; texted for SMS."""
    if method not in OrderConfirmation.Method.values:
        raise ApplicationError(MSG_METHOD_INVALID, field="method")
    sent_to, to_proxy = _sms_destination(
        villager=villager, method=method, proxy_mobile=proxy_mobile
    )
    sends = order.confirmations.count()
    if sends >= CONFIRMATION_MAX_SENDS:
        raise ApplicationError(MSG_TOO_MANY_SENDS % {"count": sends})
    order.confirmations.filter(closed_at__isnull=True).update(closed_at=now)
    minutes = _hold_minutes()
    salt = secrets.token_hex(16)
    if method == OrderConfirmation.Method.SCREEN:
        code = _screen_code(salt)
    else:
        code = f"{secrets.randbelow(10**CONFIRMATION_CODE_DIGITS):0{CONFIRMATION_CODE_DIGITS}d}"
    confirmation = OrderConfirmation(
        order=order,
        method=method,
        code_salt=salt,
        code_hash=_code_hash(salt=salt, order_id=order.pk, code=code),
        sent_to=sent_to,
        sent_to_proxy=to_proxy,
        created_by=clerk_user,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=minutes),
    )
    confirmation.full_clean(validate_constraints=False)
    confirmation.save()
    if sent_to:
        values = {
            "point": order.service_point.name,
            "items": _items_text(order),
            "total": order.total_yuan,
            "code": code,
            "minutes": minutes,
        }
        template = SMS_CONFIRMATION_CODE
        if order.is_credit:
            # What the villager agrees to is a loan too: its cost is in the code's text.
            template = SMS_CONFIRMATION_CODE_CREDIT
            values.update(term=order.credit_term_months, cost=yuan(credit_cost_fen(order)))
        with translation.override(settings.LANGUAGE_CODE):
            text = str(template % values)
        sms_send(mobile=sent_to, text=text, now=now)
    return confirmation


# ------------------------------------------------------------------------------------------
# The services
# ------------------------------------------------------------------------------------------
@transaction.atomic
def assisted_order_send(
    *,
    clerk_user,
    villager,
    lines: Iterable[tuple],
    payment_method: str,
    method: str,
    idempotency_key: str,
    proxy_mobile: str = "",
    credit_term=None,
) -> Order:
    """Place the basket as an order of `villager` (a villager of the clerk's point) for pickup
    at that point, paid cash at the till (cash_on_pickup) or online by the villager
    (bank_gateway), and send it for confirmation by `method` (sms or screen). The stock is
    reserved now. The same idempotency key again (a double tap) returns the first order and
    sends nothing. `proxy_mobile`: the villager's recorded proxy (villager_proxy_mobile), for
    the SMS. Paid later (credit_line, in `credit_term` instalments): nothing is drawn on the
    villager's line until they confirm (assisted_order_confirm), and the code's SMS names
    the instalments and their cost; a line that could not pay it is refused now."""
    point = _clerk_point(clerk_user)
    link = point_villager_get(point=point, user_id=getattr(villager, "pk", villager))
    if link is None:
        raise ApplicationError(MSG_VILLAGER_NOT_HERE)
    villager = link.user
    if villager.pk == clerk_user.pk:
        raise ApplicationError(MSG_NOT_FOR_YOURSELF)
    if method not in OrderConfirmation.Method.values:
        raise ApplicationError(MSG_METHOD_INVALID, field="method")
    if payment_method not in Order.PaymentMethod.values:
        raise ApplicationError(MSG_PAYMENT_INVALID, field="payment_method")
    if payment_method == Order.PaymentMethod.BANK_GATEWAY and not villager.mobile:
        raise ApplicationError(MSG_ONLINE_NEEDS_MOBILE, field="payment_method")
    # Checked before placing, so a refusal here reserves nothing even for a moment.
    _sms_destination(villager=villager, method=method, proxy_mobile=proxy_mobile)
    term = credit_term_check(payment_method=payment_method, credit_term=credit_term)
    order = order_place(
        buyer=villager,
        lines=lines,
        fulfilment=Order.Fulfilment.PICKUP,
        payment_method=payment_method,
        idempotency_key=idempotency_key,
        service_point=point,
        contact_mobile=villager.mobile or (proxy_mobile and mobile_normalize(mobile=proxy_mobile)),
        entered_by=clerk_user,
        credit_term=term,
    )
    if not order.was_placed:
        return order
    if order.is_credit:
        # Told now, not only at the villager's confirmation (which checks again, locked).
        credit_usable_check(
            line=credit_line_for_user(user=villager), amount_fen=order.total_fen, term_months=term
        )
    _confirmation_open(
        order,
        clerk_user=clerk_user,
        villager=villager,
        method=method,
        proxy_mobile=proxy_mobile,
        now=order.placed_at,
    )
    return order


def _waiting_check(order: Order) -> None:
    if order.state == Order.State.CANCELLED:
        raise ApplicationError(MSG_ORDER_CANCELLED % {"number": order.number}, field="code")
    if not states.awaits_buyer(order) or order.state != Order.State.PLACED:
        raise ApplicationError(MSG_NOT_WAITING % {"number": order.number})


@transaction.atomic
def assisted_order_resend(
    *, clerk_user, order: Order | int, method: str, proxy_mobile: str = ""
) -> OrderConfirmation:
    """A new code for an order still waiting for the villager (SMS again, or the screen
    instead), replacing the open one. Refused once the hold has ended (the order is then
    cancelled by assisted_order_expire) and after CONFIRMATION_MAX_SENDS codes."""
    point = _clerk_point(clerk_user)
    order = _order_here(point, order, lock=True)
    _waiting_check(order)
    now = timezone.now()
    if _hold_ends_at(order) <= now:
        raise ApplicationError(MSG_CODE_EXPIRED)
    return _confirmation_open(
        order,
        clerk_user=clerk_user,
        villager=order.buyer,
        method=method,
        proxy_mobile=proxy_mobile,
        now=now,
    )


def assisted_order_confirm(*, clerk_user, order: Order | int, code: str, order_url: str) -> Order:
    """The villager's code, typed (or read out) at the clerk's console: the order is confirmed
    (Order.buyer_confirmed_at, the OrderConfirmation accepted, an event) and moves on as any
    order, and the villager gets an SMS: the pickup code and cash to pay at the point, or the
    link `order_url` to pay online on their own phone. Refusals in the module docstring.

    Not to be called inside a transaction of the caller's: an expired hold is cancelled in a
    transaction of its own before the code is refused."""
    point = _clerk_point(clerk_user)
    found = _order_here(point, order, lock=False)
    order_id = found.pk
    if assisted_order_expire(order_id=order_id) is not None:
        raise ApplicationError(MSG_CODE_EXPIRED, field="code")
    if found.is_credit:
        credit_order_prepare()
    with transaction.atomic():
        order = order_lock(order_id)
        if order.buyer_confirmed_at is not None:
            raise ApplicationError(MSG_CODE_USED % {"number": order.number}, field="code")
        _waiting_check(order)
        now = timezone.now()
        confirmation = (
            order.confirmations.filter(closed_at__isnull=True)
            .order_by("-created_at", "-pk")
            .first()
        )
        if confirmation is None:
            raise ApplicationError(MSG_CODE_CLOSED, field="code")
        if confirmation.expires_at <= now:
            raise ApplicationError(MSG_CODE_EXPIRED, field="code")
        if confirmation_wrong_tries(confirmation) >= CONFIRMATION_MAX_WRONG_TRIES:
            raise ApplicationError(MSG_TOO_MANY_TRIES, field="code")
        typed = "".join(str(code or "").split())
        expected = _code_hash(salt=confirmation.code_salt, order_id=order.pk, code=typed)
        if not hmac.compare_digest(expected, confirmation.code_hash):
            _wrong_try_count(confirmation, now)
            raise ApplicationError(MSG_CODE_WRONG, field="code")
        confirmation.confirmed_at = now
        confirmation.confirmed_via = clerk_user
        confirmation.closed_at = now
        confirmation.save(update_fields=["confirmed_at", "confirmed_via", "closed_at"])
        order.buyer_confirmed_at = now
        order.save(update_fields=["buyer_confirmed_at", "updated_at"])
        order_event_log(
            order, order.state, order.state, actor=order.buyer, note=_confirmed_note(confirmation)
        )
        if order.is_credit:
            # The villager's own confirmation is what lets their line be used: only now.
            order = order_pay_from_credit_locked(order)
        _sms_confirmed(order, order_url=order_url)
    return order


def _masked(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[7:]}" if len(mobile) == 11 else mobile


def _confirmed_note(confirmation: OrderConfirmation) -> str:
    method = confirmation.get_method_display()
    if confirmation.sent_to:
        return gettext(NOTE_CONFIRMED_SENT_TO) % {
            "method": method,
            "mobile": _masked(confirmation.sent_to),
        }
    return gettext(NOTE_CONFIRMED) % {"method": method}


def _sms_confirmed(order: Order, *, order_url: str) -> None:
    if not order.contact_mobile:
        return  # no phone: the console shows the pickup code to write down
    values = {
        "number": order.number,
        "total": order.total_yuan,
        "point": order.service_point.name,
        "code": order.pickup_code,
        "url": order_url,
    }
    if order.is_credit:
        template, values["term"] = SMS_CONFIRMED_CREDIT, order.credit_term_months
    else:
        template = SMS_CONFIRMED_ONLINE if order.is_online else SMS_CONFIRMED_CASH
    with translation.override(settings.LANGUAGE_CODE):
        text = str(template % values)
    sms_send(mobile=order.contact_mobile, text=text)


@transaction.atomic
def assisted_order_cancel(*, clerk_user, order: Order | int) -> Order:
    """The point's clerk drops an order still waiting for the villager: cancelled, its codes
    void and its stock back. A confirmed order is the villager's: they or an operator cancel
    it."""
    point = _clerk_point(clerk_user)
    order = _order_here(point, order, lock=True)
    _waiting_check(order)
    order.confirmations.filter(closed_at__isnull=True).update(closed_at=timezone.now())
    return order_cancel_locked(order, actor=clerk_user, reason=MSG_CANCELLED_BY_CLERK)


def _hold_ends_at(order: Order) -> dt.datetime:
    """When the stock held for a waiting order goes back: the latest open code's expiry, and
    never before confirmation_minutes after placing (the selector's rule too)."""
    ends = order.placed_at + dt.timedelta(minutes=_hold_minutes())
    latest = order.confirmations.filter(closed_at__isnull=True).order_by("-expires_at").first()
    return max(ends, latest.expires_at) if latest is not None else ends


def assisted_order_expire(*, order_id: int, now: dt.datetime | None = None) -> Order | None:
    """Cancel an order still waiting for the villager once its hold has ended, releasing its
    stock; the order, or None when there was nothing to do (confirmed, cancelled, still held):
    so running it twice cancels and releases once."""
    now = now or timezone.now()
    with transaction.atomic():
        order = order_lock(order_id)
        if order.state != Order.State.PLACED or not states.awaits_buyer(order):
            return None
        if _hold_ends_at(order) > now:
            return None
        order.confirmations.filter(closed_at__isnull=True).update(closed_at=now)
        return order_cancel_locked(order, actor=None, reason=MSG_CANCELLED_UNCONFIRMED)


def assisted_orders_expire(*, now: dt.datetime | None = None) -> list[str]:
    """Cancel every order of the county whose villager did not confirm in time; their
    numbers (the beat task's work, county_sites.orders.tasks)."""
    now = now or timezone.now()
    placed_before = now - dt.timedelta(minutes=_hold_minutes())
    cancelled = []
    for order_id in order_ids_awaiting_confirmation(placed_before=placed_before, now=now):
        order = assisted_order_expire(order_id=order_id, now=now)
        if order is not None:
            cancelled.append(order.number)
    return cancelled
