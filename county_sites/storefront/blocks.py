"""The blocks a county operator arranges on the home page (Wagtail admin > Pages > the
county's name > 首页内容). Each renders county_sites/blocks/<name>.html.

Queries stay constant: the home page reads the chosen and latest listings of all its blocks
in two queries before rendering (storefront.home_listings; elsewhere chosen listings are read
once per block type, LiveListingChooserBlockBase.bulk_to_python), banner images with their
renditions likewise, and the blocks that read on their own (category tiles, service points)
do one query each.
"""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from county_sites.catalogue.selectors import (
    category_list_by_slugs,
    category_list_top,
    listing_latest,
)
from county_sites.storefront.chooser import listing_chooser_viewset
from county_sites.storefront.home_listings import home_listings_current
from hub.models import Category
from service_points.selectors import service_point_list_open

ListingChooserBlock = listing_chooser_viewset.get_block_class(
    name="ListingChooserBlock", module_path="county_sites.storefront.blocks"
)

# A link is a path on this county's site (/c/tea/, /p/12/) or a full http(s) address.
link_validator = RegexValidator(
    r"^(/[^\s]*|https?://[^\s]+)\Z", _("请填写本站路径（以 / 开头）或 http(s):// 开头的网址。")
)


def category_choices():
    """Active province categories, read when the admin form is built (never at import, never
    frozen into migrations)."""
    return [
        (category.slug, str(category))
        for category in Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "parent_id", "sort_order", "pk")
    ]


class BannerImageChooserBlock(ImageChooserBlock):
    """Banner images with their renditions in two queries for all banners of a page."""

    def bulk_to_python(self, values):
        ids = [value for value in values if isinstance(value, int)]
        if not ids:
            return [None for _value in values]
        images = self.model_class.objects.prefetch_renditions().in_bulk(ids)
        return [images.get(value) for value in values]


class BannerSlideBlock(blocks.StructBlock):
    image = BannerImageChooserBlock(label=_("图片"), help_text=_("横图，建议 3:1 以上宽高比。"))
    title = blocks.CharBlock(label=_("标题"), max_length=40, required=False)
    link = blocks.CharBlock(
        label=_("链接"), max_length=255, required=False, validators=[link_validator]
    )

    class Meta:
        icon = "image"
        label = _("横幅")


class BannerCarouselBlock(blocks.StructBlock):
    """Banners that scroll sideways (CSS scroll-snap, no JavaScript)."""

    slides = blocks.ListBlock(BannerSlideBlock(), min_num=1, max_num=6, label=_("横幅"))

    class Meta:
        icon = "image"
        label = _("横幅轮播")
        template = "county_sites/blocks/banner_carousel.html"


class _ChosenListingsMixin:
    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # None where a chosen listing is no longer approved.
        context["listings"] = [listing for listing in value["listings"] if listing is not None]
        return context


class FeaturedListingsBlock(_ChosenListingsMixin, blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), max_length=40, default=_("精选好物"))
    listings = blocks.ListBlock(ListingChooserBlock(), min_num=1, max_num=12, label=_("商品"))

    class Meta:
        icon = "pick"
        label = _("精选商品")
        template = "county_sites/blocks/listing_cards.html"


class SeasonalCollectionBlock(_ChosenListingsMixin, blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), max_length=40, help_text=_("例如：春茶上新"))
    intro = blocks.TextBlock(label=_("说明"), max_length=200, required=False)
    listings = blocks.ListBlock(ListingChooserBlock(), min_num=1, max_num=12, label=_("商品"))

    class Meta:
        icon = "date"
        label = _("时令专题")
        template = "county_sites/blocks/listing_cards.html"


class LatestListingsBlock(blocks.StructBlock):
    """The newest approved listings, chosen by nobody: a new county's home is never empty."""

    title = blocks.CharBlock(label=_("标题"), max_length=40, default=_("新鲜上架"))
    count = blocks.IntegerBlock(label=_("数量"), default=6, min_value=2, max_value=12)

    class Meta:
        icon = "list-ul"
        label = _("最新上架")
        template = "county_sites/blocks/listing_cards.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        preloaded = home_listings_current()  # the home page read them all already
        if preloaded is not None and value["count"] <= preloaded.latest_count:
            context["listings"] = preloaded.latest[: value["count"]]
        else:
            context["listings"] = listing_latest(limit=value["count"])
        return context


class CategoryTilesBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("标题"), max_length=40, default=_("分类"))
    categories = blocks.MultipleChoiceBlock(
        label=_("类目"),
        choices=category_choices,
        required=False,
        help_text=_("不选则显示全部一级类目。"),
    )

    class Meta:
        icon = "grip"
        label = _("类目入口")
        template = "county_sites/blocks/category_tiles.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        slugs = list(value.get("categories") or [])
        context["categories"] = (
            category_list_by_slugs(slugs=slugs) if slugs else category_list_top()
        )
        return context


class AnnouncementBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(
        label=_("内容"), features=["bold", "italic", "link"], max_length=300
    )

    class Meta:
        icon = "warning"
        label = _("公告")
        template = "county_sites/blocks/announcement.html"


class ServicePointFinderBlock(blocks.StructBlock):
    """The county's active service points with their hours; optional links to a map app."""

    title = blocks.CharBlock(label=_("标题"), max_length=40, default=_("附近服务点"))
    show_map_links = blocks.BooleanBlock(
        label=_("显示地图链接"),
        required=False,
        default=True,
        help_text=_("有经纬度的服务点显示“地图”链接（高德地图网页版）。"),
    )

    class Meta:
        icon = "site"
        label = _("服务点")
        template = "county_sites/blocks/service_points.html"

    def get_context(self, value, parent_context=None):

        context = super().get_context(value, parent_context=parent_context)
        context["points"] = list(service_point_list_open())
        return context


class HomePageBlock(blocks.StreamBlock):
    banner_carousel = BannerCarouselBlock()
    announcement = AnnouncementBlock()
    category_tiles = CategoryTilesBlock()
    featured_listings = FeaturedListingsBlock()
    seasonal_collection = SeasonalCollectionBlock()
    latest_listings = LatestListingsBlock()
    service_points = ServicePointFinderBlock()

    # A form posted without any body fields (a script, an old form) leaves the body as it was
    # instead of failing or emptying it: None is "omitted", and ModelForm then keeps the
    # instance's value because the field has a default.
    def value_from_datadict(self, data, files, prefix):
        if self.value_omitted_from_data(data, files, prefix):
            return None
        return super().value_from_datadict(data, files, prefix)

    def clean(self, value, *args, **kwargs):
        if value is None:
            return None
        return super().clean(value, *args, **kwargs)
