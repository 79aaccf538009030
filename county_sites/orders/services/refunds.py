"""Refund requests: the buyer asks for the whole order's money back; a county operator
approves (the money goes back through the provider that took it) or refuses with a reason."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import county_operator_check
from county_sites.ledger.point_commissions import ledger_point_commission_claw_back
from county_sites.ledger.services import ledger_record_refund
from county_sites.orders import states
from county_sites.orders.models import Order, RefundRequest, RefundRequestPhoto
from county_sites.orders.services.base import (
    MSG_NOT_YOUR_ORDER,
    order_event_log,
    order_lock,
    order_move,
    order_stock_release,
)
from county_sites.payments.services import refund_execute
from farmers.images import photo_normalise, photo_validate

MSG_REFUND_REASON_REQUIRED = _("请填写退款原因。")
MSG_REFUND_TOO_MANY_PHOTOS = _("最多上传 %(max)s 张照片。")
MSG_REFUND_NOT_OPEN = _("这个退款申请已经处理过了。")
MSG_REFUSAL_REASON_REQUIRED = _("拒绝退款时必须填写原因，买家会看到它。")

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
        state_before = order.state
        order_move(order, states.REQUEST_REFUND, actor=buyer, note=reason)
        order.state_before_refund = state_before
        order.save(update_fields=["state_before_refund", "updated_at"])
        request = RefundRequest(
            order=order, reason=reason, amount_fen=order.total_fen, requested_by=buyer
        )
        request.full_clean()
        request.save()
        for photo in normalised:
            RefundRequestPhoto.objects.create(
                refund_request=request,
                image=ContentFile(photo.data, name=f"photo.{photo.extension}"),
            )
    return request


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
    order if it had one, and put the stock back if the order had not been prepared yet."""
    county_operator_check(actor)
    order = _lock_order_of(refund_request)
    request = _lock_request(refund_request)
    order_move(order, states.APPROVE_REFUND, actor=actor)
    refund_execute(order=order, refund_request=request)
    ledger_record_refund(order=order, refund_request=request)
    ledger_point_commission_claw_back(order=order)
    if order.state_before_refund == Order.State.PAID:
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
