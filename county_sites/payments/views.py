"""Payment endpoints on a county host: start paying, come back from the bank, bank notify.

The order is moved on by county_sites.orders.services (order_pay_start, order_payment_reconcile,
order_payment_notify), which use county_sites.payments.services for the bank's part."""

from django.contrib.auth.decorators import login_required as _login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError
from county_sites.orders.selectors import order_get_for_buyer
from county_sites.orders.services import (
    order_pay_start,
    order_payment_notify,
    order_payment_reconcile,
)
from county_sites.payments.services import NotifyRejectedError, payment_callback_urls

# Residents sign in by SMS at /account/login/ (accounts), then come back here.
login_required = _login_required(login_url=reverse_lazy("accounts:login"))


@login_required
@require_POST
def pay(request, number: str):
    """Send the buyer to the bank's pay page for their unpaid online order."""
    order = order_get_for_buyer(buyer=request.user, number=number)
    if order is None:
        raise Http404
    detail = reverse("orders:detail", args=[order.number])
    try:
        url = order_pay_start(
            order=order,
            **payment_callback_urls(number=order.number),
        )
    except ApplicationError as error:
        return HttpResponseRedirect(f"{detail}?error={error.message}", status=303)
    return HttpResponseRedirect(url or detail, status=303)


@login_required
@require_GET
def payment_return(request, number: str):
    """Back from the bank: ask it at once (the notify may be slower), then show the order."""
    order = order_get_for_buyer(buyer=request.user, number=number)
    if order is None:
        raise Http404
    order_payment_reconcile(order_id=order.pk)
    return HttpResponseRedirect(reverse("orders:detail", args=[number]), status=303)


@csrf_exempt  # server-to-server from the bank, authenticated by the HMAC signature
@require_POST
def notify_bank_gateway(request):
    """The bank's asynchronous notify. "success" tells it to stop retrying."""
    try:
        order_payment_notify(data=request.POST.dict())
    except NotifyRejectedError as refusal:
        return HttpResponse(f"fail: {refusal.message}", status=refusal.status)
    return HttpResponse("success", content_type="text/plain")
