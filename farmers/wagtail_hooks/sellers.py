"""The county Wagtail admin's sellers (卖家): operators register a seller on their behalf and
edit sellers; saving goes through farmers.services."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_display import ReadableInspectMixin
from core.admin_forms import (
    ServiceCreateMixin,
    ServiceEditMixin,
)
from farmers.forms.seller_admin import SellerCreateForm, SellerEditForm
from farmers.models import Seller
from farmers.services import (
    SELLER_EDITABLE_FIELDS,
    SELLER_OPERATOR_FIELDS,
    seller_register,
    seller_update,
)


class SellerCreateView(ServiceCreateMixin, generic.CreateView):
    service = staticmethod(seller_register)
    service_fields = (
        "kind", "name", "mobile", "village", "consent_method", "registered_by_point",
        "bank_name", "bank_account_number",
    )  # fmt: skip


class SellerEditView(ServiceEditMixin, generic.EditView):
    service = staticmethod(seller_update)
    object_kwarg = "seller"
    editable_fields = (*SELLER_EDITABLE_FIELDS, *SELLER_OPERATOR_FIELDS)


class SellerInspectView(ReadableInspectMixin, generic.InspectView):
    """Times in the county's time zone, no None or True/False."""


class SellerViewSet(ModelViewSet):
    model = Seller
    icon = "user"
    menu_label = _("卖家")
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = SellerInspectView
    add_view_class = SellerCreateView
    edit_view_class = SellerEditView
    list_display = ["name", "kind", "mobile", "village", "id_verification", "created_at"]
    list_filter = ["kind", "id_verification", "village"]
    search_fields = ["name", "mobile", "village"]
    search_backend_name = None
    inspect_view_fields = [
        "name", "kind", "mobile", "mobile_verified_at", "village", "bank_name",
        "bank_account_last4", "id_verification", "registered_by_point", "consented_at",
        "consent_method", "consent_recorded_by", "user", "created_at",
    ]  # fmt: skip

    def get_form_class(self, for_update=False):
        return SellerEditForm if for_update else SellerCreateForm
