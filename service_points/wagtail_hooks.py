"""The county Wagtail admin: service points (menu 服务点).

The add and edit views save through service_points.services, which checks the operator; a
refusal shows on the form."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_forms import SavedByServiceMixin, changed_values
from service_points.models import ServicePoint
from service_points.services import (
    SERVICE_POINT_EDITABLE_FIELDS,
    service_point_create,
    service_point_update,
)


class ServicePointCreateView(SavedByServiceMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return service_point_create(
            actor=self.request.user,
            name=data["name"],
            village=data["village"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            opening_hours=data["opening_hours"],
            phone=data["phone"],
            is_active=data["is_active"],
        )


class ServicePointEditView(SavedByServiceMixin, generic.EditView):
    def save_instance(self):
        changes = changed_values(self.form, SERVICE_POINT_EDITABLE_FIELDS)
        return service_point_update(actor=self.request.user, point=self.object, **changes)


class ServicePointViewSet(ModelViewSet):
    model = ServicePoint
    icon = "site"
    menu_label = _("服务点")
    menu_order = 310
    add_to_admin_menu = True
    copy_view_enabled = False
    add_view_class = ServicePointCreateView
    edit_view_class = ServicePointEditView
    list_display = ["name", "village", "address", "opening_hours", "phone", "is_active"]
    list_filter = ["village", "is_active"]
    search_fields = ["name", "village", "address"]
    form_fields = list(SERVICE_POINT_EDITABLE_FIELDS)


@hooks.register("register_admin_viewset")
def register_service_point_viewset():
    return ServicePointViewSet("service_points")
