"""The county Wagtail admin's listing review queue (商品审核): the queue, one listing with its
decision forms, operators' edits, the photo view and the bulk approval.

Views here only parse the request and call farmers.services, which check permissions, lock
rows and log every decision.
"""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import models as generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from core.admin_display import ReadableInspectMixin
from core.admin_forms import (
    ServiceEditMixin,
)
from core.errors import ApplicationError
from farmers.models import Listing, ListingPhoto
from farmers.permissions import can_moderate
from farmers.review import listing_review_annotate, listing_review_warnings
from farmers.selectors import listing_decisions
from farmers.services import (
    LISTING_EDITABLE_FIELDS,
    listing_approve,
    listing_bulk_approve,
    listing_delist,
    listing_reject,
    listing_relist,
    listing_update,
)
from farmers.views.photos import listing_photo_response
from service_points.selectors import assisted_entries_by_listing

MSG_APPROVED = _("已通过：“%(title)s”已上架。")
MSG_REJECTED = _("已驳回：“%(title)s”。")
MSG_DELISTED = _("已下架：“%(title)s”。")
MSG_RELISTED = _("已重新上架：“%(title)s”（%(state)s）。")
MSG_ENTERED_AT_COUNTER = _("由 %(clerk)s 在 %(point)s 代录入")


def entered_at_counter(entry) -> str:
    """ "由 <店员> 在 <服务点> 代录入" for a service_points.AssistedListing, "" for none."""
    if entry is None:
        return ""
    mobile = entry.clerk_user.mobile
    clerk = entry.clerk_name or (f"{mobile[:3]}****{mobile[7:]}" if mobile else "")
    return str(MSG_ENTERED_AT_COUNTER % {"clerk": clerk, "point": entry.point.name})


def _warnings_column(listing: Listing) -> str:
    # Annotated by the index view (farmers.review): no query per row.
    return "；".join(listing_review_warnings(listing))


def _entered_at_counter_column(listing: Listing) -> str:
    # select_related by the index view: no query per row.
    return entered_at_counter(getattr(listing, "assisted_entry", None))


class ListingIndexView(generic.IndexView):
    """The review queue. Drafts are the seller's own business until submitted: not listed."""

    default_ordering = "submitted_at"

    def get_base_queryset(self):
        return listing_review_annotate(
            super()
            .get_base_queryset()
            .exclude(state=Listing.State.DRAFT)
            .select_related(
                "seller", "category", "assisted_entry__point", "assisted_entry__clerk_user"
            )
        )

    @cached_property
    def columns(self):
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="listing"), *super().columns]

    def _get_title_column(self, *args, **kwargs):
        return super()._get_title_column(
            *args, **kwargs, get_title_id=lambda listing: f"listing_{quote(listing.pk)}_title"
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.inspect_url_name:
            buttons.insert(
                0,
                ListingButton(
                    _("审核"),
                    url=reverse(self.inspect_url_name, args=(quote(instance.pk),)),
                    icon_name="tasks",
                    priority=1,
                ),
            )
        return buttons


class ListingInspectView(ReadableInspectMixin, generic.InspectView):
    """One listing with its certifications, photos, moderation log and the decision forms."""

    money_labels = {"price_fen": _("单价")}

    moderate_url_name = None
    photo_url_name = None
    template_name = "farmers/admin/listing_inspect.html"

    def get_price_fen_display_value(self):
        return f"¥{self.object.price_yuan} / {self.object.get_unit_display()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decisions"] = listing_decisions(listing=self.object)
        context["certifications"] = self.object.certifications.all()
        context["review_warnings"] = listing_review_warnings(
            listing_review_annotate(Listing.objects.filter(pk=self.object.pk)).get()
        )
        context["photos"] = [
            (photo, reverse(self.photo_url_name, args=(quote(self.object.pk), photo.pk)))
            for photo in self.object.photos.all()
        ]
        context["can_moderate"] = can_moderate(self.request.user)
        entry = assisted_entries_by_listing(listing_ids=[self.object.pk]).get(self.object.pk)
        context["entered_at_counter"] = entered_at_counter(entry)
        context["moderate_url"] = reverse(self.moderate_url_name, args=(quote(self.object.pk),))
        return context


class ListingEditView(ServiceEditMixin, generic.EditView):
    """Operators correct a listing for its seller; listing_update applies the review rule."""

    service = staticmethod(listing_update)
    object_kwarg = "listing"
    editable_fields = LISTING_EDITABLE_FIELDS


class ListingModerateView(View):
    """POST approve / reject (with reason) / delist / relist for one listing."""

    http_method_names = ["post"]
    index_url_name = None
    inspect_view = None

    def post(self, request, pk):
        listing = get_object_or_404(Listing, pk=pk)
        action = request.POST.get("action")
        user = request.user
        reason = request.POST.get("reason", "")
        try:
            if action == "approve":
                listing = listing_approve(actor=user, listing=listing)
                message = MSG_APPROVED
            elif action == "reject":
                listing = listing_reject(actor=user, listing=listing, reason=reason)
                message = MSG_REJECTED
            elif action == "delist":
                listing = listing_delist(actor=user, listing=listing, reason=reason)
                message = MSG_DELISTED
            elif action == "relist":
                listing = listing_relist(actor=user, listing=listing)
                message = MSG_RELISTED
            else:
                return HttpResponseBadRequest()
        except ApplicationError as error:
            # The listing page again, with the reason it was refused.
            messages.error(request, str(error.message))
            # Rendered as the listing page's GET, with the 4xx status of a refusal.
            request.method = "GET"
            response = self.inspect_view(request, pk=pk)
            response.status_code = 409
            return response
        messages.success(
            request, message % {"title": listing.title, "state": listing.get_state_display()}
        )
        return redirect(reverse(self.index_url_name) + "?state=submitted")


def listing_photo_view(request, pk: int, photo_id: int):
    """A listing's photo for the operator reviewing it (the county's media is not public)."""
    if not can_moderate(request.user):
        raise PermissionDenied
    photo = get_object_or_404(ListingPhoto, pk=photo_id, listing_id=pk)
    return listing_photo_response(request, photo, "large")


class ListingViewSet(ModelViewSet):
    model = Listing
    icon = "pick"
    menu_label = _("商品审核")
    menu_order = 100
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = ListingIndexView
    inspect_view_class = ListingInspectView
    edit_view_class = ListingEditView
    index_template_name = "farmers/admin/listing_index.html"
    list_display = [
        "title",
        "seller",
        "category",
        Column("price_yuan", label=_("单价（元）")),
        Column("get_unit_display", label=_("单位")),
        "stock",
        "origin_village",
        "state",
        "submitted_at",
        Column("entered_at_counter", label=_("代录入"), accessor=_entered_at_counter_column),
        Column("review_warnings", label=_("提醒"), accessor=_warnings_column),
    ]
    list_filter = ["state", "category", "origin_village", "seller"]
    search_fields = ["title", "origin_village", "seller__name"]
    search_backend_name = None
    form_fields = list(LISTING_EDITABLE_FIELDS)
    inspect_view_fields = [
        "title", "seller", "category", "price_fen", "stock", "min_order_qty",
        "harvest_start", "harvest_end", "origin_village", "description", "state",
        "rejection_reason", "submitted_at", "approved_at",
    ]  # fmt: skip

    @cached_property
    def menu_url(self):
        return reverse(self.get_url_name("index")) + "?state=submitted"

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            moderate_url_name=self.get_url_name("moderate"),
            photo_url_name=self.get_url_name("photo"),
            **kwargs,
        )

    @property
    def moderate_view(self):
        return self.construct_view(
            ListingModerateView,
            index_url_name=self.get_url_name("index"),
            inspect_view=self.inspect_view,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("moderate/<int:pk>/", self.moderate_view, name="moderate"),
            path("inspect/<int:pk>/photos/<int:photo_id>/", listing_photo_view, name="photo"),
        ]


class ApproveListingsForm(forms.Form):
    approve_flagged = forms.BooleanField(
        label=_("带提醒的商品我已逐一看过，也一起通过"), required=False
    )


class ApproveListingsBulkAction(BulkAction):
    """Select submitted listings in the queue, then 审核通过: each approval is logged. The
    confirmation lists the listings with review warnings apart; they are approved only if the
    operator ticks that they have looked at them (else they keep waiting)."""

    form_class = ApproveListingsForm

    display_name = _("审核通过")
    action_type = "approve"
    aria_label = _("通过所选商品")
    template_name = "farmers/admin/confirm_bulk_approve.html"
    action_priority = 10
    models = [Listing]

    @classmethod
    def get_queryset(cls, model, object_ids):
        return list(
            listing_review_annotate(model.objects.filter(pk__in=object_ids)).select_related(
                "seller"
            )
        )

    def object_context(self, obj):
        return {**super().object_context(obj), "warnings": listing_review_warnings(obj)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["flagged"] = [item for item in context["items"] if item["warnings"]]
        context["clean"] = [item for item in context["items"] if not item["warnings"]]
        return context

    def check_perm(self, listing):
        return can_moderate(self.request.user) and listing.state == Listing.State.SUBMITTED

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "user": self.request.user,
            "approve_flagged": self.cleaned_form.cleaned_data["approve_flagged"],
        }

    @classmethod
    def execute_action(cls, objects, user=None, approve_flagged=False, **kwargs):
        result = listing_bulk_approve(actor=user, listings=objects, approve_flagged=approve_flagged)
        return len(result.approved), len(result.flagged)

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext(
            "已通过 %(count)d 个商品。", "已通过 %(count)d 个商品。", num_parent_objects
        ) % {"count": num_parent_objects}
        if num_child_objects:
            message += ngettext(
                "%(count)d 个带提醒的商品仍在等待审核。",
                "%(count)d 个带提醒的商品仍在等待审核。",
                num_child_objects,
            ) % {"count": num_child_objects}
        return message


hooks.register("register_bulk_action", ApproveListingsBulkAction)
