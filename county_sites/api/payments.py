"""Payment of the resident's own order: GET /orders/{number}/payment/ (status) and
POST /orders/{number}/pay/ (where to send the buyer: the bank's pay page), through
county_sites.orders.services as the order page's pay button does."""

from ninja import Router

from county_sites.api.auth import resident_auth
from county_sites.api.orders import own_order
from county_sites.api.schemas.common import RESIDENT_ERRORS, ErrorOut
from county_sites.api.schemas.payments import PaymentStatus, PaymentStatusOut, PayOut
from county_sites.api.selectors import payment_for_order
from county_sites.orders.services import order_pay_start, order_payment_reconcile
from county_sites.payments.providers import provider_get
from county_sites.payments.services import payment_callback_urls

router = Router(tags=["payments"], auth=resident_auth)


@router.get("/orders/{number}/payment/", response={200: PaymentStatusOut, 404: ErrorOut,
                                                   **RESIDENT_ERRORS})  # fmt: skip
def payment_status(request, number: str, refresh: bool = False):
    """`refresh=true` first asks the bank (as coming back from its pay page does), in case
    its notify has not arrived yet."""
    order = own_order(request, number)
    if refresh and order.is_bank_gateway:
        order_payment_reconcile(order_id=order.pk)
        order = own_order(request, number)
    payment = payment_for_order(order=order)
    if order.is_online:
        paid = order.paid_at is not None
    else:
        # Cash is paid when the parcel is collected; the provider says so without a network call.
        paid = provider_get(order.payment_method).query(order).paid
    return PaymentStatus(order=order, payment=payment, paid=paid)


@router.post("/orders/{number}/pay/", response={200: PayOut, 404: ErrorOut,
                                                **RESIDENT_ERRORS})  # fmt: skip
def pay(request, number: str):
    """The bank's pay page for an unpaid online order (null for cash on pickup). Starting
    again reuses the same bank transaction."""
    order = own_order(request, number)
    url = order_pay_start(
        order=order,
        **payment_callback_urls(number=order.number),
    )
    return {"order_number": order.number, "redirect_url": url}
