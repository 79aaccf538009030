"""The catalogue's one table: the pinyin search index of listings.

Not an app of its own: the model lives under the storefront's app label so that existing
counties migrate with nothing to apply; county_sites.storefront.models imports it, which
registers it with that app.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingSearchEntry(models.Model):
    """The pinyin of a listing's texts, for /search/ (county_sites.catalogue.selectors.
    search_listings). Written only by county_sites.catalogue.services.listing_search_entry_refresh
    (on every listing or seller save, see county_sites/storefront/signals.py) and rebuilt with
    `manage.py tenant_command search_entries_rebuild`; never edited by people."""

    listing = models.OneToOneField(
        "farmers.Listing",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    title_pinyin = models.CharField(_("标题全拼"), max_length=512, blank=True)
    title_initials = models.CharField(_("标题首字母"), max_length=160, blank=True)
    # Origin village and seller name: "dxc" finds 大溪村's produce.
    other_pinyin = models.CharField(_("产地和卖家全拼"), max_length=1024, blank=True)
    other_initials = models.CharField(_("产地和卖家首字母"), max_length=256, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        # Kept in the storefront app's label (and its migrations) when the search moved to the
        # catalogue: every county's table and migration history stay as they are.
        app_label = "county_sites"
        verbose_name = _("商品搜索条目")
        verbose_name_plural = _("商品搜索条目")

    def __str__(self):
        return f"{self.listing_id}: {self.title_initials}"
