"""The county Wagtail admin: service points (menu 服务点)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from service_points.models import ServicePoint


class ServicePointViewSet(ModelViewSet):
    model = ServicePoint
    icon = "site"
    menu_label = _("服务点")
    menu_order = 310
    add_to_admin_menu = True
    copy_view_enabled = False
    list_display = ["name", "village", "address", "opening_hours", "phone", "is_active"]
    list_filter = ["village", "is_active"]
    search_fields = ["name", "village", "address"]
    form_fields = [
        "name", "village", "address", "latitude", "longitude",
        "opening_hours", "phone", "is_active",
    ]  # fmt: skip


@hooks.register("register_admin_viewset")
def register_service_point_viewset():
    return ServicePointViewSet("service_points")
