"""The county Wagtail admin's sellers (卖家): operators register a seller on their behalf and
edit sellers; saving goes through farmers.services."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_forms import SavedByServiceMixin, changed_values
from farmers.forms.seller_admin import SellerCreateForm, SellerEditForm
from farmers.models import Seller
from farmers.services import (
    SELLER_EDITABLE_FIELDS,
    SELLER_OPERATOR_FIELDS,
    seller_register,
    seller_update,
)


class SellerCreateView(SavedByServiceMixin, generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return seller_register(
            actor=self.request.user,
            kind=data["kind"],
            name=data["name"],
            mobile=data["mobile"],
            village=data["village"],
            consent_method=data["consent_method"],
            registered_by_point=data["registered_by_point"],
            bank_name=data["bank_name"],
            bank_account_number=data["bank_account_number"],
        )


class SellerEditView(SavedByServiceMixin, generic.EditView):
    def save_instance(self):
        allowed = set(SELLER_EDITABLE_FIELDS) | set(SELLER_OPERATOR_FIELDS)
        changes = changed_values(self.form, allowed)
        return seller_update(actor=self.request.user, seller=self.object, **changes)


class SellerViewSet(ModelViewSet):
    model = Seller
    icon = "user"
    menu_label = _("卖家")
    copy_view_enabled = False
    inspect_view_enabled = True
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
