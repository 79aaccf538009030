"""Ordering for a villager (issue 9, point 5): the basket, sending it for the villager's
confirmation, the large confirmation screen, and the order's status.

The flow, in taps: the villager chosen (their page, or the home's mobile box) -> a tap per item
on the cards (steppers for more) -> the basket below, reviewed without a tap -> cash or online
(cash preselected) -> "send for confirmation" -> the confirmation screen, where the villager
types the code and taps 确认. Plain forms, POST-redirect-GET, no JavaScript.

Only villagers linked to the clerk's point (service_points.PointVillager) and only that point's
assisted orders: anything else is a 404, as if it did not exist.
"""

import uuid
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import mobile_normalize
from core.errors import ApplicationError
from county_sites.catalogue.search import query_normalise
from county_sites.clerk.basket import (
    basket_cards,
    basket_clear,
    basket_get,
    basket_read,
    basket_set,
    listing_addable,
)
from county_sites.clerk.selectors import clerk_assisted_order_get
from county_sites.clerk.views.base import clerk_required
from county_sites.clerk.views.home import home_render
from county_sites.credit.selectors import credit_line_summary
from county_sites.orders.models import Order, OrderConfirmation
from county_sites.orders.services import (
    MSG_ORDER_NOT_HERE,
    MSG_QUANTITY_INVALID,
    assisted_order_cancel,
    assisted_order_confirm,
    assisted_order_resend,
    assisted_order_send,
    confirmation_screen_code,
    villager_proxy_mobile,
)
from service_points.selectors import point_villager_find, point_villager_get

MSG_VILLAGER_UNKNOWN = _("本服务点没有这个手机号的村民，请先登记。")


def _villager(request: HttpRequest, raw_id) -> object:
    """The villager `raw_id` if the clerk's point serves them, else 404."""
    if not str(raw_id or "").isdigit():
        raise Http404
    link = point_villager_get(point=request.point, user_id=int(raw_id))
    if link is None:
        raise Http404
    return link.user


def _basket_url(villager_id: int, q: str = "", anchor: str = "") -> str:
    query = {"villager": villager_id}
    if q:
        query["q"] = q
    return f"{reverse('clerk:order_basket')}?{urlencode(query)}{anchor}"


def _basket_page(request, villager, *, q: str, error: str = "", status: int = 200):
    quantities = basket_get(request.session, point_id=request.point.pk, villager_id=villager.pk)
    basket = basket_read(quantities)
    in_basket = basket.quantities
    cards = [(listing, in_basket.get(listing.pk, 0)) for listing in basket_cards(q=q)]
    proxy = villager_proxy_mobile(villager=villager)
    return render(
        request,
        "clerk/console/order_basket.html",
        {
            "point": request.point,
            "villager": villager,
            "q": q,
            "cards": cards,
            "basket": basket,
            "proxy_mobile": proxy,
            # The villager's own line, if the bank granted one (used only once they confirm).
            "credit": credit_line_summary(user=villager),
            "credit_term": request.POST.get("credit_term", ""),
            "payment": request.POST.get("payment_method", Order.PaymentMethod.CASH_ON_PICKUP),
            "method": request.POST.get(
                "method",
                OrderConfirmation.Method.SMS
                if villager.mobile or proxy
                else OrderConfirmation.Method.SCREEN,
            ),
            # A new key per page: a double tap on "send" places one order.
            "idempotency_key": uuid.uuid4().hex,
            "error": error,
        },
        status=status,
    )


@clerk_required
@require_http_methods(["GET"])
def order_find(request: HttpRequest) -> HttpResponse:
    """The home's mobile box: the point's villager with that number opens their basket."""
    try:
        mobile = mobile_normalize(mobile=request.GET.get("mobile", ""))
    except ApplicationError as error:
        return _home_with_error(request, error.message)
    link = point_villager_find(point=request.point, mobile=mobile)
    if link is None:
        return _home_with_error(request, MSG_VILLAGER_UNKNOWN)
    return HttpResponseRedirect(_basket_url(link.user_id), status=303)


def _home_with_error(request, message):
    return home_render(request, order_error=message, status=400)


@clerk_required
@require_http_methods(["GET"])
def order_basket(request: HttpRequest) -> HttpResponse:
    """The basket of one villager: cards to add from (search by characters or pinyin), the
    basket with steppers, and the form that sends it for confirmation."""
    villager = _villager(request, request.GET.get("villager"))
    return _basket_page(request, villager, q=query_normalise(request.GET.get("q", "")))


@clerk_required
@require_POST
def order_basket_set(request: HttpRequest) -> HttpResponse:
    """Add, step or remove one item, then back to the same cards (PRG)."""
    villager = _villager(request, request.POST.get("villager"))
    q = query_normalise(request.POST.get("q", ""))
    raw_listing, raw_quantity = request.POST.get("listing", ""), request.POST.get("quantity", "")
    if not raw_listing.isdigit() or not raw_quantity.lstrip("-").isdigit():
        return _basket_page(request, villager, q=q, error=MSG_QUANTITY_INVALID, status=400)
    listing_id, quantity = int(raw_listing), int(raw_quantity)
    if quantity > 0 and listing_addable(listing_id) is None:
        raise Http404
    basket_set(
        request.session,
        point_id=request.point.pk,
        villager_id=villager.pk,
        listing_id=listing_id,
        quantity=quantity,
    )
    return HttpResponseRedirect(_basket_url(villager.pk, q, f"#l{listing_id}"), status=303)


@clerk_required
@require_POST
def order_send(request: HttpRequest) -> HttpResponse:
    """Place the basket and send it for the villager's confirmation; then the confirmation
    screen. A refusal (out of stock, no phone for SMS ...) shows the basket again (400)."""
    villager = _villager(request, request.POST.get("villager"))
    quantities = basket_get(request.session, point_id=request.point.pk, villager_id=villager.pk)
    method = request.POST.get("method", "")
    try:
        order = assisted_order_send(
            clerk_user=request.user,
            villager=villager,
            lines=basket_read(quantities).as_order_lines(),
            payment_method=request.POST.get("payment_method", ""),
            method=method,
            idempotency_key=request.POST.get("idempotency_key", ""),
            credit_term=request.POST.get("credit_term"),
            proxy_mobile=villager_proxy_mobile(villager=villager)
            if request.POST.get("to_proxy")
            else "",
        )
    except ApplicationError as error:
        return _basket_page(request, villager, q="", error=error.message, status=400)
    basket_clear(request.session, point_id=request.point.pk, villager_id=villager.pk)
    return HttpResponseRedirect(reverse("clerk:order_confirm", args=[order.number]), status=303)


def _assisted_order(request, number: str) -> Order:
    order = clerk_assisted_order_get(point=request.point, number=number)
    if order is None:
        raise Http404
    return order


def _confirm_page(request, order: Order, *, error: str = "", status: int = 200):
    latest = order.confirmations_newest[0] if order.confirmations_newest else None
    return render(
        request,
        "clerk/console/order_confirm.html",
        {
            "point": request.point,
            "order": order,
            "lines": order.lines.all(),
            "confirmation": latest,
            "screen_code": confirmation_screen_code(latest),
            "proxy_mobile": villager_proxy_mobile(villager=order.buyer),
            "error": error,
        },
        status=status,
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def order_confirm(request: HttpRequest, number: str) -> HttpResponse:
    """The large confirmation screen: the order in big type and the code box. The code
    accepted -> the status page; refused -> the screen again with the reason (400)."""
    order = _assisted_order(request, number)
    if request.method == "GET":
        if not (order.state == Order.State.PLACED and order.buyer_confirmed_at is None):
            return HttpResponseRedirect(reverse("clerk:order_status", args=[number]), status=303)
        return _confirm_page(request, order)
    try:
        assisted_order_confirm(
            clerk_user=request.user,
            order=order,
            code=request.POST.get("code", ""),
            order_url=request.build_absolute_uri(reverse("orders:detail", args=[number])),
        )
    except ApplicationError as error:
        return _confirm_page(
            request, _assisted_order(request, number), error=error.message, status=400
        )
    return HttpResponseRedirect(reverse("clerk:order_status", args=[number]), status=303)


@clerk_required
@require_POST
def order_resend(request: HttpRequest, number: str) -> HttpResponse:
    """A new code: the SMS again, or the screen instead."""
    order = _assisted_order(request, number)
    try:
        assisted_order_resend(
            clerk_user=request.user,
            order=order,
            method=request.POST.get("method", ""),
            proxy_mobile=villager_proxy_mobile(villager=order.buyer)
            if request.POST.get("to_proxy")
            else "",
        )
    except ApplicationError as error:
        return _confirm_page(
            request, _assisted_order(request, number), error=error.message, status=400
        )
    return HttpResponseRedirect(reverse("clerk:order_confirm", args=[number]), status=303)


@clerk_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    """The clerk drops an order still waiting for the villager."""
    order = _assisted_order(request, number)
    try:
        assisted_order_cancel(clerk_user=request.user, order=order)
    except ApplicationError as error:
        if error.message == MSG_ORDER_NOT_HERE:
            raise Http404 from None
        return _confirm_page(
            request, _assisted_order(request, number), error=error.message, status=400
        )
    return HttpResponseRedirect(reverse("clerk:order_status", args=[number]), status=303)


@clerk_required
@require_http_methods(["GET"])
def order_status(request: HttpRequest, number: str) -> HttpResponse:
    """Where an assisted order stands: confirmed (cash to take at pickup, or paid online by
    the villager), cancelled, or still waiting (back to its confirmation screen)."""
    order = _assisted_order(request, number)
    return render(
        request,
        "clerk/console/order_status.html",
        {"point": request.point, "order": order, "lines": order.lines.all()},
    )
