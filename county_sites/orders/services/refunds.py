"""Refund requests: the buyer asks for the whole order's money back, or the point's clerk, on
receiving, opens one for the buyer over the lines found short or damaged (scope "lines"); a
county operator approves (the money goes back through the provider that took it) or refuses
with a reason.

A whole-order request moves the order to refund_requested (and back, if refused); a request
for lines leaves the order where it is (its received lines wait on the shelf) and gives back
those lines' value only, its ledger reversal covering those lines only. One open request per
order at a time: a second is refused until the first is decided."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import county_operator_check, is_county_operator
from county_sites.credit.services import credit_return_record
from county_sites.ledger.point_commissions import ledger_point_commission_claw_back
from county_sites.ledger.services import ledger_record_refund
from county_sites.orders import states
from county_sites.orders.models import Order, OrderLine, RefundRequest, RefundRequestPhoto
from county_sites.orders.selectors import order_refundable_fen
from county_sites.orders.services.base import (
    MSG_NOT_YOUR_ORDER,
    order_event_log,
    order_lock,
    order_move,
    order_stock_release,
)
from county_sites.payments.services import refund_execute
from farmers.images import photo_normalise, photo_validate
from service_points.selectors import clerk_point_for_user

MSG_REFUND_REASON_REQUIRED = _("请填写退款原因。")
MSG_REFUND_TOO_MANY_PHOTOS = _("最多上传 %(max)s 张照片。")
MSG_REFUND_NOT_OPEN = _("这个退款申请已经处理过了。")
MSG_REFUSAL_REASON_REQUIRED = _("拒绝退款时必须填写原因，买家会看到它。")
MSG_REFUND_ALREADY_OPEN = _("订单 %(number)s 已有一个待处理的退款申请。")
MSG_REFUND_LINES_INVALID = _("退款的商品不属于这个订单，或已经申请过退款。")
MSG_REFUND_LINES_ONLINE_ONLY = _("到服务点付现金的订单不退款：缺货或破损的商品取货时不收钱。")
MSG_REFUND_NOT_ALLOWED = _("只有买家、本服务点店员或县运营人员可以为这个订单申请退款。")

MAX_REFUND_PHOTOS = 3


def _photos_prepare(photos) -> list:
    photos = [photo for photo in (photos or []) if photo]
    if len(photos) > MAX_REFUND_PHOTOS:
        raise ApplicationError(
            MSG_REFUND_TOO_MANY_PHOTOS % {"max": MAX_REFUND_PHOTOS}, field="photos"
        )
    # Decode and clean every photo before writing anything.
    return [photo_normalise(photo_validate(photo)) for photo in photos]


def refund_request_create(*, buyer, order: Order, reason: str, photos=()) -> RefundRequest:
    """The buyer asks for the whole order's money back, with a reason and up to 3 photos."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(MSG_REFUND_REASON_REQUIRED, field="reason")
    normalised = _photos_prepare(photos)
    with transaction.atomic():
        order = order_lock(order)
        if order.buyer_id != buyer.pk:
            raise ApplicationError(MSG_NOT_YOUR_ORDER)
        _no_open_request_check(order)
        amount = order_refundable_fen(order)
        state_before = order.state
        order_move(order, states.REQUEST_REFUND, actor=buyer, note=reason)
        order.state_before_refund = state_before
        order.save(update_fields=["state_before_refund", "updated_at"])
        request = RefundRequest(order=order, reason=reason, amount_fen=amount, requested_by=buyer)
        request.full_clean()
        request.save()
        _photos_save(request, normalised)
    return request


def _no_open_request_check(order: Order) -> None:
    if RefundRequest.objects.filter(order=order, state=RefundRequest.State.REQUESTED).exists():
        raise ApplicationError(MSG_REFUND_ALREADY_OPEN % {"number": order.number}, field="state")


def _may_request_for(actor, order: Order) -> bool:
    if actor.pk == order.buyer_id or is_county_operator(actor):
        return True
    point = clerk_point_for_user(user=actor)
    return point is not None and point.pk == order.service_point_id


def refund_request_lines_create(
    *, actor, order: Order | int, lines, reason: str, photos=()
) -> RefundRequest:
    """A refund of some lines of a paid online order (found short or damaged on receiving, or
    by the buyer at home), opened by the point's clerk, the buyer or an operator, with up to 3
    photos: amount = the lines' value, exactly. The order's state does not move: its other
    lines go on to the buyer. A cash order is refused: what it lacks is not charged
    (orders.selectors.order_cash_due)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(MSG_REFUND_REASON_REQUIRED, field="reason")
    normalised = _photos_prepare(photos)
    with transaction.atomic():
        order = order_lock(order)
        if not _may_request_for(actor, order):
            raise ApplicationError(MSG_REFUND_NOT_ALLOWED)
        if not order.is_online or order.state not in states.TRANSITIONS[states.REQUEST_REFUND]:
            raise ApplicationError(MSG_REFUND_LINES_ONLINE_ONLY, field="lines")
        _no_open_request_check(order)
        line_ids = {getattr(line, "pk", line) for line in lines}
        covered = OrderLine.objects.filter(
            refund_requests__state__in=[
                RefundRequest.State.REQUESTED,
                RefundRequest.State.APPROVED,
            ]
        )
        chosen = list(
            OrderLine.objects.filter(order=order, pk__in=line_ids).exclude(pk__in=covered)
        )
        if not line_ids or len(chosen) != len(line_ids):
            raise ApplicationError(MSG_REFUND_LINES_INVALID, field="lines")
        request = RefundRequest(
            order=order,
            scope=RefundRequest.Scope.LINES,
            reason=reason,
            amount_fen=sum(line.line_total_fen for line in chosen),
            requested_by=actor,
        )
        request.full_clean()
        request.save()
        request.lines.set(chosen)
        _photos_save(request, normalised)
    return request


def _photos_save(request: RefundRequest, normalised) -> None:
    for photo in normalised:
        RefundRequestPhoto.objects.create(
            refund_request=request,
            image=ContentFile(photo.data, name=f"photo.{photo.extension}"),
        )


def _lock_request(refund_request: RefundRequest | int) -> RefundRequest:
    request = RefundRequest.objects.select_for_update().get(
        pk=getattr(refund_request, "pk", refund_request)
    )
    if request.state != RefundRequest.State.REQUESTED:
        raise ApplicationError(MSG_REFUND_NOT_OPEN)
    return request


def _lock_order_of(refund_request: RefundRequest | int) -> Order:
    return order_lock(
        getattr(refund_request, "order_id", None)
        or RefundRequest.objects.get(pk=refund_request).order_id
    )


@transaction.atomic
def refund_approve(*, actor, refund_request: RefundRequest | int) -> RefundRequest:
    """Give the money back through the provider that took it (the bank's refund API, or cash
    from the till), book it in the ledger, take back the service point's commission on the
    order if it had one (a whole-order refund), and put the stock back if the order had not
    been prepared yet. A request for lines moves no order state and no stock (those goods
    never reached the buyer's point whole)."""
    county_operator_check(actor)
    order = _lock_order_of(refund_request)
    request = _lock_request(refund_request)
    whole = request.scope == RefundRequest.Scope.ORDER
    if whole:
        order_move(order, states.APPROVE_REFUND, actor=actor)
    refund_execute(order=order, refund_request=request)
    credit_return_record(order=order, refund_request=request)  # a credit order's line
    ledger_record_refund(order=order, refund_request=request)
    if whole:
        ledger_point_commission_claw_back(order=order)
    if whole and order.state_before_refund == Order.State.PAID:
        order_stock_release(order)
    request.state = RefundRequest.State.APPROVED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def refund_refuse(*, actor, refund_request: RefundRequest | int, reason: str) -> RefundRequest:
    """Refuse with a reason the buyer sees; the order goes back to where it was."""
    county_operator_check(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(MSG_REFUSAL_REASON_REQUIRED, field="reason")
    order = _lock_order_of(refund_request)
    request = _lock_request(refund_request)
    if request.scope == RefundRequest.Scope.ORDER:
        from_state = order.state
        order.state = order.state_before_refund
        order.state_before_refund = ""
        order.save(update_fields=["state", "state_before_refund", "updated_at"])
        order_event_log(order, from_state, order.state, actor=actor, note=reason)
    request.state = RefundRequest.State.REFUSED
    request.refusal_reason = reason
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.full_clean()
    request.save()
    return request
