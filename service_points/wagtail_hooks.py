"""The county Wagtail admin: service points, their clerks and shelf positions (menu 服务点),
and the county's service-point settings (Settings > 服务点设置, registered on the model).

The add and edit views save through service_points.services, which checks the operator; a
refusal shows on the form."""

from django.db import transaction
from django.db.models import Prefetch
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from core.admin_forms import (
    SavedByServiceMixin,
    ServiceCreateMixin,
    ServiceEditMixin,
    changed_values,
)
from county_sites.clerk.selectors import PointFigures, points_figures_today
from county_sites.ledger.selectors import TillFigures, till_points_today
from service_points.forms import ClerkAddForm, ClerkEditForm
from service_points.models import Clerk, ServicePoint, ShelfPosition
from service_points.selectors import service_point_settings_get
from service_points.services import (
    SERVICE_POINT_EDITABLE_FIELDS,
    SHELF_POSITION_EDITABLE_FIELDS,
    clerk_add,
    clerk_deactivate,
    clerk_move,
    clerk_reactivate,
    service_point_create,
    service_point_update,
    shelf_position_create,
    shelf_position_update,
)


class ServicePointCreateView(ServiceCreateMixin, generic.CreateView):
    service = staticmethod(service_point_create)
    service_fields = SERVICE_POINT_EDITABLE_FIELDS


class ServicePointEditView(ServiceEditMixin, generic.EditView):
    service = staticmethod(service_point_update)
    object_kwarg = "point"
    editable_fields = SERVICE_POINT_EDITABLE_FIELDS


class ServicePointIndexView(generic.IndexView):
    """The list of points with each one's day at a glance: orders on the way, parcels
    waiting, and parcels waiting past the county's hold (county_sites.clerk.selectors); the
    cash its till should hold and today's counted difference (county_sites.ledger.selectors,
    one grouped query)."""

    def get_base_queryset(self):
        # The point's active clerks, for the 店员 column: one more query for the page.
        active = Clerk.objects.filter(is_active=True).select_related("user").order_by("name")
        return (
            super()
            .get_base_queryset()
            .prefetch_related(Prefetch("clerks", queryset=active, to_attr="clerks_active"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = points_figures_today(hold_days=service_point_settings_get().parcel_hold_days)
        tills = till_points_today()
        for point in context["object_list"]:
            point.today = figures.get(point.pk, PointFigures())
            point.till = tills.get(point.pk, TillFigures())
            point.clerk_names = "、".join(str(clerk) for clerk in point.clerks_active) or "—"
            point.open_label = _("营业中") if point.is_active else _("已停业")
        return context


class ServicePointViewSet(ModelViewSet):
    model = ServicePoint
    icon = "site"
    menu_label = _("服务点")
    copy_view_enabled = False
    index_view_class = ServicePointIndexView
    add_view_class = ServicePointCreateView
    edit_view_class = ServicePointEditView
    list_display = [
        "name",
        "village",
        "opening_hours",
        Column("clerk_names", label=_("店员"), accessor="clerk_names"),
        Column("today_incoming", label=_("在路上"), accessor="today.incoming"),
        Column("today_waiting", label=_("待取包裹"), accessor="today.waiting"),
        Column("today_over_hold", label=_("已超过保留期"), accessor="today.over_hold"),
        Column("till_expected", label=_("钱箱应有现金"), accessor="till.expected_yuan"),
        Column("till_difference", label=_("今日盘点差额"), accessor="till.difference_yuan"),
        Column("is_active", label=_("状态"), accessor="open_label"),
    ]
    list_filter = ["village", "is_active"]
    search_fields = ["name", "village", "address"]
    form_fields = list(SERVICE_POINT_EDITABLE_FIELDS)


# ------------------------------------------------------------------------------
# Clerks
# ------------------------------------------------------------------------------
class ClerkIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "point")


class ClerkCreateView(SavedByServiceMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return clerk_add(
            actor=self.request.user, mobile=data["mobile"], name=data["name"], point=data["point"]
        )


class ClerkEditView(SavedByServiceMixin, generic.EditView):
    def save_instance(self):
        changes = changed_values(self.form, ("point", "is_active"))
        clerk, actor = self.object, self.request.user
        # One form may move and (de)activate at once: all of it or, on a refusal, none.
        with transaction.atomic():
            if changes.get("is_active") is True:
                clerk = clerk_reactivate(actor=actor, clerk=clerk)
            if "point" in changes:
                clerk = clerk_move(actor=actor, clerk=clerk, point=changes["point"])
            if changes.get("is_active") is False:
                clerk = clerk_deactivate(actor=actor, clerk=clerk)
        return clerk


class ClerkViewSet(ModelViewSet):
    model = Clerk
    icon = "user"
    menu_label = _("店员")
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ClerkIndexView
    add_view_class = ClerkCreateView
    edit_view_class = ClerkEditView
    list_display = [
        "name",
        Column("mobile", label=_("手机号码"), accessor="user.mobile"),
        "point",
        BooleanColumn("is_active", label=_("在岗")),
    ]
    list_filter = ["point", "is_active"]
    search_fields = ["name", "user__mobile"]

    def get_form_class(self, for_update=False):
        return ClerkEditForm if for_update else ClerkAddForm


# ------------------------------------------------------------------------------
# Shelf positions
# ------------------------------------------------------------------------------
class ShelfPositionCreateView(ServiceCreateMixin, generic.CreateView):
    service = staticmethod(shelf_position_create)
    service_fields = ("point", "label", "sort_order", "is_active")


class ShelfPositionEditView(ServiceEditMixin, generic.EditView):
    service = staticmethod(shelf_position_update)
    object_kwarg = "position"
    editable_fields = SHELF_POSITION_EDITABLE_FIELDS


class ShelfPositionViewSet(ModelViewSet):
    model = ShelfPosition
    icon = "list-ul"
    menu_label = _("货架位置")
    copy_view_enabled = False
    inspect_view_enabled = False
    add_view_class = ShelfPositionCreateView
    edit_view_class = ShelfPositionEditView
    list_display = ["label", "point", "sort_order", "is_active"]
    list_filter = ["point", "is_active"]

    def get_form_class(self, for_update=False):
        # The point is chosen once, when the position is added.
        fields = (
            SHELF_POSITION_EDITABLE_FIELDS
            if for_update
            else ("point", *SHELF_POSITION_EDITABLE_FIELDS)
        )
        return modelform_factory(
            self.model, formfield_callback=self.formfield_for_dbfield, fields=fields
        )


class ServicePointViewSetGroup(ModelViewSetGroup):
    menu_label = _("服务点")
    menu_icon = "site"
    menu_order = 310
    items = (
        ServicePointViewSet("service_points"),
        ClerkViewSet("service_point_clerks"),
        ShelfPositionViewSet("service_point_shelves"),
    )


@hooks.register("register_admin_viewset")
def register_service_point_viewsets():
    return ServicePointViewSetGroup()
