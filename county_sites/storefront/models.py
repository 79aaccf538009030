"""The county storefront's Wagtail pages, and the search rows behind /search/.

Page tree of a county (Wagtail admin > Pages):
    CountyHomePage (the county's name; blocks curated by the county operator)
    ├── NewsIndexPage (公告与新闻) ── NewsPage ...
    └── StandardPage (关于我们, 配送规则, 售后政策 ...)
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

# Registers the search index table under this app's label (see its module).
from county_sites.catalogue.models import ListingSearchEntry  # noqa: F401
from county_sites.storefront.blocks import HomePageBlock
from county_sites.storefront.home_listings import home_listings_preloaded, home_listings_wanted
from county_sites.storefront.page_cache import PageCacheableMixin
from county_sites.storefront.view_restrictions import OneQueryViewRestrictionsMixin

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "image"]


class CountyHomePage(OneQueryViewRestrictionsMixin, PageCacheableMixin, Page):
    """The county's home page, the root of its Wagtail site. County operators edit it in the
    Wagtail admin (Pages > the county's name): a short intro and the blocks of the storefront
    (banners, featured listings, category tiles, seasonal collection, announcement, service
    points). Made by county_create with the county's name as its title and a default body
    (county_sites.storefront.services.county_site_setup)."""

    intro = models.TextField(_("简介"), blank=True, help_text=_("显示在首页顶部的一段话。"))
    body = StreamField(
        HomePageBlock(),
        verbose_name=_("首页内容"),
        blank=True,
        default=list,
        help_text=_("首页从上到下显示的内容块。"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]

    def serve(self, request, *args, **kwargs):
        # Every listing block's listings in two queries, not two per block type; rendered
        # here, while they are preloaded (storefront.home_listings).
        ids, latest = home_listings_wanted(self.body.raw_data)
        with home_listings_preloaded(ids=ids, latest=latest):
            response = super().serve(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        return response

    subpage_types = ["county_sites.NewsIndexPage", "county_sites.StandardPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("县级首页")
        verbose_name_plural = _("县级首页")


class NewsIndexPage(OneQueryViewRestrictionsMixin, PageCacheableMixin, Page):
    """The list of the county's news and announcements (公告与新闻), newest first. County
    operators add NewsPage children under it in the Wagtail admin."""

    intro = models.TextField(_("简介"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["county_sites.CountyHomePage"]
    subpage_types = ["county_sites.NewsPage"]
    max_count_per_parent = 1
    NEWS_PER_PAGE = 20

    class Meta:
        verbose_name = _("新闻列表页")
        verbose_name_plural = _("新闻列表页")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = list(
            NewsPage.objects.child_of(self)
            .live()
            .order_by("-date", "-pk")
            .only("title", "date", "summary", "url_path", "slug", "depth", "path")[
                : self.NEWS_PER_PAGE
            ]
        )
        return context


class NewsPage(OneQueryViewRestrictionsMixin, PageCacheableMixin, Page):
    """One news item or announcement, written by a county operator (Wagtail admin > Pages >
    公告与新闻). Can be scheduled (Publishing schedule in the page's settings)."""

    date = models.DateField(_("日期"), default=timezone.localdate)
    summary = models.CharField(_("摘要"), max_length=140, blank=True)
    body = RichTextField(_("正文"), features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    parent_page_types = ["county_sites.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("新闻")
        verbose_name_plural = _("新闻")


class StandardPage(OneQueryViewRestrictionsMixin, PageCacheableMixin, Page):
    """A plain page of text: about the county's shop, delivery rules, after-sales policy.
    County operators edit them in the Wagtail admin (Pages > the county's name)."""

    body = RichTextField(_("正文"), features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["county_sites.CountyHomePage", "county_sites.StandardPage"]
    subpage_types = ["county_sites.StandardPage"]

    class Meta:
        verbose_name = _("普通页面")
        verbose_name_plural = _("普通页面")
