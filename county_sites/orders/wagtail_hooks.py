"""The county Wagtail admin: delivery zones (配送区域), orders (订单), delivery days with their
manifests and pick lists (配送单), refund requests (退款申请), and the ledger's daily report
(账本日报). Views parse the request and call
services, which check the operator.

Orders and refund requests are inspect-only here: their list and inspect pages link to the
page that moves an order along (order_act) or decides a refund (refund_decide), and those call
county_sites.orders.services. No generic add, edit or delete view writes them, whatever
permissions a user holds: a state written directly would skip the events, the ledger and the
stock release.
"""

import datetime as dt

from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton, ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.admin_display import ReadableInspectMixin, readable
from core.admin_forms import (
    ServiceCreateMixin,
    ServiceEditMixin,
)
from core.errors import ApplicationError
from core.media import media_response
from core.money import yuan_sign
from core.roles import is_county_operator
from county_sites.ledger.selectors import ledger_daily_totals
from county_sites.orders import manifests, services, states
from county_sites.orders.forms import DeliveryZoneForm
from county_sites.orders.models import DeliveryZone, Order, PointDelivery, RefundRequest
from county_sites.orders.selectors import (
    order_past_hold,
    order_with_assisted_audit,
    pick_lists_for_day,
    point_delivery_list,
    point_delivery_manifest,
    point_delivery_waiting,
    refund_photo_get,
)
from service_points.models import ServicePoint
from service_points.selectors import service_point_list_open

REPORT_DAYS = 31
# The latest deliveries listed on the deliveries page; older ones stay in the database.
DELIVERIES_LISTED = 100


def _sign(field: str):
    """A list column's value: the fen field in yuan with the sign."""
    return lambda obj: yuan_sign(getattr(obj, field))


def _yes_no(field: str):
    """A list column's value: the boolean as a word (Wagtail's BooleanColumn reads "True" to a
    screen reader, in English)."""
    return lambda obj: readable(getattr(obj, field))


class InspectOnlyPermissionPolicy(ModelPermissionPolicy):
    """ "view" as the user's permissions say; "add", "change" and "delete" for nobody, not even
    a superuser or an operator given change_order by hand."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(["view"])


# Registered before any view asks for these models' policy (Wagtail 8's policy registry).
register_permission_policy(Order, InspectOnlyPermissionPolicy(Order))
register_permission_policy(RefundRequest, InspectOnlyPermissionPolicy(RefundRequest))


class DeliveryZoneCreateView(ServiceCreateMixin, generic.CreateView):
    service = staticmethod(services.delivery_zone_create)
    service_fields = ("name", "description", "fee_fen", "sort_order", "is_active")

    def get_form(self, form_class=None):
        # Left empty, a new zone goes after the last one (delivery_zone_create), instead of
        # the model's default 0 that would put every new zone first.
        form = super().get_form(form_class)
        field = form.fields["sort_order"]
        field.required = False
        field.initial = None
        field.help_text = _("留空则排在最后。")
        if not form.is_bound:
            form.initial.pop("sort_order", None)
        return form


class DeliveryZoneEditView(ServiceEditMixin, generic.EditView):
    service = staticmethod(services.delivery_zone_update)
    object_kwarg = "zone"
    editable_fields = services.DELIVERY_ZONE_EDITABLE_FIELDS


class DeliveryZoneViewSet(ModelViewSet):
    model = DeliveryZone
    icon = "globe"
    menu_label = _("配送区域")
    menu_order = 320
    add_to_admin_menu = True
    copy_view_enabled = False
    add_view_class = DeliveryZoneCreateView
    edit_view_class = DeliveryZoneEditView
    list_display = [
        "name",
        Column("fee_yuan", label=_("配送费"), accessor=_sign("fee_fen")),
        Column("is_active", label=_("启用"), accessor=_yes_no("is_active")),
        "sort_order",
    ]
    list_filter = ["is_active"]
    form_fields = ["name", "description", "fee_fen", "is_active", "sort_order"]

    def get_form_class(self, for_update=False):
        return DeliveryZoneForm


class InspectOnlyEditView(generic.EditView):
    """The edit URL of an inspect-only model: sends to the inspect page, shows no form and
    saves nothing, even if the permission policy were swapped for one that allows "change"."""

    def dispatch(self, request, *args, **kwargs):
        return redirect(reverse(self.inspect_url_name, args=(quote(self.kwargs["pk"]),)))


class MoveLinkIndexView(generic.IndexView):
    """A list whose rows link to the page that moves each one along (`move_url_name`)."""

    move_url_name = None
    move_label = ""

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        buttons.insert(
            0,
            ListingButton(
                self.move_label,
                url=reverse(self.move_url_name, args=(quote(instance.pk),)),
                icon_name="tasks",
                priority=1,
            ),
        )
        return buttons


class MoveLinkInspectView(ReadableInspectMixin, generic.InspectView):
    """An inspect page with a header button to the page that moves the object along; values
    as people read them (core.admin_display)."""

    move_url_name = None
    move_label = ""

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                self.move_label,
                url=reverse(self.move_url_name, args=(quote(self.object.pk),)),
                icon_name="tasks",
            ),
        ]


class InspectOnlyViewSet(ModelViewSet):
    """List and inspect pages only, each linking to `move_url_name`, the page that changes the
    object through its services."""

    move_url_name = None
    move_label = ""
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = MoveLinkIndexView
    inspect_view_class = MoveLinkInspectView
    edit_view_class = InspectOnlyEditView
    form_fields = []  # nothing is edited here (Wagtail still builds its unused forms)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            move_url_name=self.move_url_name, move_label=self.move_label, **kwargs
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            move_url_name=self.move_url_name, move_label=self.move_label, **kwargs
        )


class OrderInspectView(MoveLinkInspectView):
    """The order's fields, and for an order a clerk entered the audit line: who, at which
    point, how and when the villager confirmed, to which number the code went."""

    money_labels = {
        "lines_total_fen": _("商品金额"),
        "delivery_fee_fen": _("配送费"),
        "total_fen": _("应付金额"),
    }

    def get_field_label(self, field_name, field):
        if field_name == "assisted":
            return _("代下单记录")
        return super().get_field_label(field_name, field)

    def get_assisted_display_value(self):
        order = order_with_assisted_audit(Order.objects.filter(pk=self.object.pk)).first()
        if order is None or order.entered_by_id is None:
            return "-"
        return render_to_string("orders/admin/_assisted.html", {"order": order})


class RefundRequestInspectView(MoveLinkInspectView):
    money_labels = {"amount_fen": _("退款金额")}


class OrderViewSet(InspectOnlyViewSet):
    """Read in the admin; moved on only on the act page (order_act)."""

    model = Order
    # The resident pages own the "orders" URL namespace; the admin list keeps /admin/orders/.
    url_namespace = "orders_admin"
    url_prefix = "orders"
    icon = "list-ul"
    menu_label = _("订单")
    menu_order = 330
    move_url_name = "orders_act"
    move_label = _("处理订单")
    inspect_view_class = OrderInspectView
    list_display = [
        "number", "state", "fulfilment", "payment_method",
        Column("total_yuan", label=_("应付金额"), accessor=_sign("total_fen")), "placed_at",
    ]  # fmt: skip
    list_filter = ["state", "fulfilment", "payment_method", "service_point"]
    search_fields = ["number", "pickup_code", "contact_mobile"]
    inspect_view_fields = [
        "number", "buyer", "entered_by", "buyer_confirmed_at", "state", "fulfilment",
        "service_point", "point_delivery", "shelf_position", "pickup_code", "delivery_zone",
        "delivery_address", "payment_method", "lines_total_fen", "delivery_fee_fen", "total_fen",
        "placed_at", "paid_at", "assisted",
    ]  # fmt: skip


class RefundRequestViewSet(InspectOnlyViewSet):
    """Read in the admin; decided only on the decide page (refund_decide)."""

    model = RefundRequest
    icon = "undo"
    menu_label = _("退款申请")
    menu_order = 340
    move_url_name = "refunds_decide"
    move_label = _("处理退款申请")
    inspect_view_class = RefundRequestInspectView
    list_display = [
        "order", "state", "scope",
        Column("amount_yuan", label=_("退款金额"), accessor=_sign("amount_fen")), "requested_at",
    ]  # fmt: skip
    list_filter = ["state", "scope"]


@hooks.register("register_admin_viewset")
def register_order_viewsets():
    return [
        DeliveryZoneViewSet("delivery_zones"),
        OrderViewSet("orders"),
        RefundRequestViewSet("refund_requests"),
    ]


ORDER_MOVES = {
    "prepare": services.order_prepare,
    "arrive": services.order_arrive,
    "deliver": services.order_deliver,
    # A parcel past the point's hold back to the county: refunded and restocked (the
    # service refuses one that has not waited the hold yet).
    states.RETURN: services.order_return,
}
# The act page's buttons, in the order an order goes; only those the order allows now show.
ACT_PAGE_MOVES = (
    states.PREPARE, states.ARRIVE, states.DELIVER, states.COLLECT, states.RETURN, states.CANCEL,
)  # fmt: skip


def _operator_only(request):
    if not is_county_operator(request.user):
        raise Http404


def order_act(request, pk: int):
    """One order with its lines and the moves an operator can make on it. A refused move shows
    the page again with the service's reason, as a 400 (nothing changed)."""
    _operator_only(request)
    order = get_object_or_404(
        order_with_assisted_audit(Order.objects.select_related("service_point", "delivery_zone")),
        pk=pk,
    )
    status = 200
    if request.method == "POST":
        move = request.POST.get("move", "")
        try:
            if move in ORDER_MOVES:
                ORDER_MOVES[move](order=order, actor=request.user)
            elif move == "collect":
                services.order_collect(
                    order=order, actor=request.user, pickup_code=request.POST.get("pickup_code", "")
                )
            elif move == "cancel":
                services.order_cancel(
                    order=order, actor=request.user, reason=request.POST.get("reason", "")
                )
            else:
                raise Http404
        except ApplicationError as error:
            messages.error(request, str(error.message))
            status = 400
        else:
            messages.success(request, _("订单已更新。"))
            return HttpResponseRedirect(reverse("orders_act", args=[pk]))
    return TemplateResponse(
        request,
        "orders/admin/order_act.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "events": order.events.select_related("actor"),
            "moves": {
                move
                for move in ACT_PAGE_MOVES
                if states.can(move, order)
                and (move != states.RETURN or order_past_hold(order=order))
            },
            "awaits_buyer": states.awaits_buyer(order),
        },
        status=status,
    )


def refund_decide(request, pk: int):
    """One refund request with its photos and the decision; a refusal of the decision shows
    the page again with the service's reason, as a 400 (nothing changed)."""
    _operator_only(request)
    refund_request = get_object_or_404(RefundRequest.objects.select_related("order"), pk=pk)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.refund_approve(actor=request.user, refund_request=refund_request)
            else:
                services.refund_refuse(
                    actor=request.user,
                    refund_request=refund_request,
                    reason=request.POST.get("reason", ""),
                )
        except ApplicationError as error:
            messages.error(request, str(error.message))
            status = 400
        else:
            messages.success(request, _("退款申请已处理。"))
            return HttpResponseRedirect(reverse("refunds_decide", args=[pk]))
    return TemplateResponse(
        request,
        "orders/admin/refund_decide.html",
        {
            "request_obj": refund_request,
            "photos": refund_request.photos.all(),
            "lines": refund_request.lines.order_by("pk"),
        },
        status=status,
    )


def refund_photo(request, pk: int, photo_id: int):
    """A refund request's evidence photo, for county operators (the media folder is private)."""
    _operator_only(request)
    photo = refund_photo_get(refund_request_id=pk, photo_id=photo_id)
    if photo is None:
        raise Http404
    return media_response(
        request, photo.image.storage, photo.image.name, cache_control="private, no-cache"
    )


def ledger_daily(request):
    """Per-day totals of the last REPORT_DAYS days; each day's difference must be 0."""
    _operator_only(request)
    today = timezone.localdate()
    days = ledger_daily_totals(since=today - timezone.timedelta(days=REPORT_DAYS - 1), until=today)
    return TemplateResponse(request, "ledger/daily_report.html", {"days": days})


@hooks.register("register_admin_urls")
def register_order_admin_urls():
    return [
        path("orders/act/<int:pk>/", order_act, name="orders_act"),
        path("refunds/decide/<int:pk>/", refund_decide, name="refunds_decide"),
        path("refunds/decide/<int:pk>/photos/<int:photo_id>/", refund_photo, name="refunds_photo"),
        path("ledger/daily/", ledger_daily, name="ledger_daily"),
    ]


@hooks.register("register_admin_menu_item")
def register_ledger_menu_item():
    return MenuItem(_("账本日报"), reverse("ledger_daily"), icon_name="table", order=350)


# ------------------------------------------------------------------------------
# Delivery days (配送单): list and create, a delivery's manifest and moves, a day's pick lists
# (issue 9, point 6). Printable pages and CSV/XLSX downloads of each.
# ------------------------------------------------------------------------------
DELIVERY_ACTIONS = {"add", "prepare", "remove", "dispatch"}


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    content_type = manifests.XLSX_TYPE if fmt == "xlsx" else manifests.CSV_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _day_or_404(day: str) -> dt.date:
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None


def _day_or_400(day: str) -> dt.date:
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        raise ApplicationError(_("请选择配送日。"), field="day") from None


def _bring_by(raw: str):
    """The form's local "bring by" (datetime-local), or None for the default."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ApplicationError(_("送货截止时间格式不对。"), field="bring_by") from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def deliveries_index(request):
    """Every delivery (point, day, state, orders, total) and the form that plans a new one."""
    _operator_only(request)
    status = 200
    form = {
        "point": "",
        "day": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
        "bring_by": "",
        "collection_place": PointDelivery.objects.order_by("-created_at", "-pk")
        .values_list("collection_place", flat=True)
        .first()
        or "",
    }
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip() for key in form}
        try:
            point_id = int(form["point"]) if form["point"].isdigit() else 0
            point = ServicePoint.objects.filter(pk=point_id, is_active=True).first()
            if point is None:
                raise ApplicationError(services.MSG_DELIVERY_POINT_CLOSED, field="point")
            delivery = services.point_delivery_create(
                actor=request.user,
                point=point,
                day=_day_or_400(form["day"]),
                bring_by=_bring_by(form["bring_by"]),
                collection_place=form["collection_place"],
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
            status = 400
        else:
            messages.success(request, _("配送单已创建。"))
            return HttpResponseRedirect(reverse("deliveries_detail", args=[delivery.pk]))
    deliveries = list(point_delivery_list()[:DELIVERIES_LISTED])
    return TemplateResponse(
        request,
        "orders/admin/deliveries.html",
        {
            "deliveries": deliveries,
            "days": sorted({delivery.day for delivery in deliveries}, reverse=True),
            "points": service_point_list_open(),
            "form": form,
            "default_hour": services.BRING_BY_DEFAULT_HOUR,
        },
        status=status,
    )


def delivery_detail(request, pk: int):
    """One delivery's manifest, what could still go on it, and its moves: add the prepared
    orders, prepare the waiting ones and add them, take an order off, dispatch."""
    _operator_only(request)
    delivery = get_object_or_404(PointDelivery.objects.select_related("point"), pk=pk)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in DELIVERY_ACTIONS:
            raise Http404
        try:
            if action in ("add", "prepare"):
                added = services.point_delivery_orders_add(
                    actor=request.user, delivery=delivery, prepare=action == "prepare"
                )
                messages.success(request, _("已加入 %(count)s 张订单。") % {"count": added})
            elif action == "remove":
                services.point_delivery_order_remove(
                    actor=request.user,
                    delivery=delivery,
                    order=get_object_or_404(Order, pk=request.POST.get("order") or 0),
                )
                messages.success(request, _("订单已移出配送单。"))
            else:
                services.point_delivery_dispatch(actor=request.user, delivery=delivery)
                messages.success(request, _("配送单已发出。"))
        except ApplicationError as error:
            messages.error(request, str(error.message))
            status = 400
        else:
            return HttpResponseRedirect(reverse("deliveries_detail", args=[pk]))
        delivery.refresh_from_db()
    return TemplateResponse(
        request,
        "orders/admin/delivery.html",
        {
            "delivery": delivery,
            "manifest": point_delivery_manifest(delivery=delivery),
            "waiting": point_delivery_waiting(point=delivery.point),
            "removable": delivery.state == PointDelivery.State.PLANNED,
        },
        status=status,
    )


def delivery_manifest_print(request, pk: int):
    """The manifest alone, to print (print CSS; no admin around it)."""
    _operator_only(request)
    delivery = get_object_or_404(PointDelivery.objects.select_related("point"), pk=pk)
    return TemplateResponse(
        request,
        "orders/admin/delivery_print.html",
        {"delivery": delivery, "manifest": point_delivery_manifest(delivery=delivery)},
    )


def delivery_manifest_download(request, pk: int, fmt: str):
    _operator_only(request)
    delivery = get_object_or_404(PointDelivery.objects.select_related("point"), pk=pk)
    headers, rows = manifests.manifest_table(point_delivery_manifest(delivery=delivery))
    name = f"manifest-{delivery.day:%Y%m%d}-{delivery.pk}"
    if fmt == "xlsx":
        return _download(manifests.table_xlsx(headers, rows, title=str(_("配送单"))), fmt, name)
    return _download(manifests.table_csv(headers, rows), fmt, name)


def pick_lists(request, day: str, printable: bool = False):
    """Per seller, what to bring for the deliveries of `day`, by when and where."""
    _operator_only(request)
    day = _day_or_404(day)
    return TemplateResponse(
        request,
        "orders/admin/pick_lists_print.html" if printable else "orders/admin/pick_lists.html",
        {"day": day, "pick_lists": pick_lists_for_day(day=day)},
    )


def pick_lists_download(request, day: str, fmt: str):
    _operator_only(request)
    day = _day_or_404(day)
    headers, rows = manifests.pick_lists_table(pick_lists_for_day(day=day))
    name = f"pick-lists-{day:%Y%m%d}"
    if fmt == "xlsx":
        return _download(manifests.table_xlsx(headers, rows, title=str(_("拣货单"))), fmt, name)
    return _download(manifests.table_csv(headers, rows), fmt, name)


@hooks.register("register_admin_urls")
def register_delivery_admin_urls():
    return [
        path("deliveries/", deliveries_index, name="deliveries_index"),
        path("deliveries/<int:pk>/", delivery_detail, name="deliveries_detail"),
        path("deliveries/<int:pk>/print/", delivery_manifest_print, name="deliveries_print"),
        path(
            "deliveries/<int:pk>/manifest.<str:fmt>",
            delivery_manifest_download,
            name="deliveries_download",
        ),
        path("deliveries/picks/<str:day>/", pick_lists, name="deliveries_picks"),
        path(
            "deliveries/picks/<str:day>/print/",
            pick_lists,
            {"printable": True},
            name="deliveries_picks_print",
        ),
        path(
            "deliveries/picks/<str:day>/picks.<str:fmt>",
            pick_lists_download,
            name="deliveries_picks_download",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_deliveries_menu_item():
    return MenuItem(_("配送单"), reverse("deliveries_index"), icon_name="doc-full", order=335)


class OperatorTasksPanel(Component):
    """The county operator's daily pages as plain links on the dashboard: Wagtail's sidebar is
    drawn by JavaScript, so without it the dashboard would link nowhere (issue 9's walk)."""

    name = "operator_tasks"
    order = 50
    template_name = "orders/admin/_operator_tasks.html"

    def get_context_data(self, parent_context=None):
        return {
            "tasks": [
                (_("配送单"), reverse("deliveries_index")),
                (_("账本日报"), reverse("ledger_daily")),
            ]
        }


@hooks.register("construct_homepage_panels")
def add_operator_tasks_panel(request, panels):
    if is_county_operator(request.user):
        panels.append(OperatorTasksPanel())
