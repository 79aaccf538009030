"""The county admin's chooser of live listings, used by the home page's featured and seasonal
blocks (registered in county_sites/storefront/wagtail_hooks.py). Only approved listings can be
chosen;
a listing delisted after it was chosen simply stops showing (county_sites.storefront.blocks)."""

from django import forms
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.blocks import ChooserBlock

from county_sites.catalogue.selectors import listing_cards_by_ids, listing_chooser_queryset
from county_sites.storefront.home_listings import home_listings_current
from farmers.models import Listing


class ListingChooserFilterForm(BaseFilterForm):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("标题、卖家或产地村")}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(
                Q(title__icontains=query)
                | Q(seller__name__icontains=query)
                | Q(origin_village__icontains=query)
            )
        return objects


class _ApprovedListingsMixin:
    filter_form_class = ListingChooserFilterForm

    def get_object_list(self):
        return listing_chooser_queryset()

    @property
    def columns(self):
        return [
            self.title_column,
            Column("seller", label=_("卖家"), accessor="seller.name"),
            Column("price", label=_("单价（元）"), accessor="price_yuan"),
            Column("origin_village", label=_("产地村")),
        ]


class ApprovedListingChooseView(_ApprovedListingsMixin, ChooseView):
    pass


class ApprovedListingChooseResultsView(_ApprovedListingsMixin, ChooseResultsView):
    pass


class ApprovedListingChosenView(ChosenView):
    def get_object(self, pk):
        return listing_chooser_queryset().get(pk=pk)


class ApprovedListingChosenMultipleView(ChosenMultipleView):
    def get_objects(self, pks):
        return listing_chooser_queryset().filter(pk__in=pks)


class LiveListingChooserBlockBase(ChooserBlock):
    """Reads chosen listings in one query per page (whatever the number of blocks), with what
    a product card shows, and only while they are approved: others come back as None."""

    def bulk_to_python(self, values):
        ids = [value for value in values if isinstance(value, int)]
        preloaded = home_listings_current()  # the home page read them all already
        if preloaded is not None and preloaded.requested.issuperset(ids):
            found = preloaded.by_id
        else:
            found = listing_cards_by_ids(ids) if ids else {}
        return [found.get(value) for value in values]

    def to_python(self, value):
        return self.bulk_to_python([value])[0]

    @cached_property
    def field(self):
        # Saving a block refuses a listing that is not approved (a crafted id included).
        return forms.ModelChoiceField(
            queryset=listing_chooser_queryset(),
            widget=self.widget,
            required=self._required,
            validators=self._validators,
            help_text=self._help_text,
        )


class ListingChooserViewSet(ChooserViewSet):
    model = Listing
    icon = "tag"
    choose_one_text = _("选择商品")
    choose_another_text = _("选择其他商品")
    edit_item_text = _("查看商品")
    per_page = 20
    choose_view_class = ApprovedListingChooseView
    choose_results_view_class = ApprovedListingChooseResultsView
    chosen_view_class = ApprovedListingChosenView
    chosen_multiple_view_class = ApprovedListingChosenMultipleView
    base_block_class = LiveListingChooserBlockBase


listing_chooser_viewset = ListingChooserViewSet("listing_chooser", url_prefix="listing-chooser")
