"""Village service points: convenience stores where a clerk helps villagers and farmers."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

# A point's commission: a share of the handed-over value, at most 30 %.
COMMISSION_RATE_MAX = Decimal("0.3000")
commission_rate_validators = [
    MinValueValidator(Decimal("0")),
    MaxValueValidator(COMMISSION_RATE_MAX),
]


class ServicePoint(models.Model):
    """A village service point of this county: where parcels are picked up and where clerks
    register farmers and list produce for them.

    County operators edit them in the county Wagtail admin (服务点), with their clerks (店员)
    and shelf positions (货架位置). An empty commission rate means the county's default
    (ServicePointSettings, Settings > 服务点设置).
    """

    name = models.CharField(_("名称"), max_length=64)
    village = models.CharField(_("所在村"), max_length=64)
    address = models.CharField(_("地址"), max_length=255)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    opening_hours = models.CharField(
        _("营业时间"), max_length=255, blank=True, help_text=_("例如：每天 8:00-20:00")
    )
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    commission_rate = models.DecimalField(
        _("佣金比例"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=commission_rate_validators,
        help_text=_("例如 0.0300 即 3%；留空则用全县默认比例。"),
    )
    is_active = models.BooleanField(_("营业中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务点")
        verbose_name_plural = _("服务点")
        ordering = ["village", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate__isnull=True)
                | models.Q(commission_rate__gte=0, commission_rate__lte=COMMISSION_RATE_MAX),
                name="service_points_point_commission_rate_range",
            )
        ]

    def __str__(self):
        return self.name + _("（%(detail)s）") % {"detail": self.village}


class Clerk(models.Model):
    """A county user who works at one service point: signs in by SMS and gets the clerk's
    console (/clerk/) for that point only.

    County operators add, move and deactivate clerks in the county Wagtail admin (服务点 >
    店员), through service_points.services. A user is a clerk at most once (one row, moved
    between points); a deactivated clerk keeps the row, for the record of what they did.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="clerk",
    )
    point = models.ForeignKey(
        ServicePoint, verbose_name=_("服务点"), on_delete=models.PROTECT, related_name="clerks"
    )
    name = models.CharField(_("姓名"), max_length=64, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("添加人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("店员")
        verbose_name_plural = _("店员")
        ordering = ["point__village", "point__name", "name", "pk"]

    def __str__(self):
        return self.name or self.user.mobile or self.user.username


class ShelfPosition(models.Model):
    """A place on a point's pickup shelf (e.g. "A-3") where a received parcel waits.

    County operators edit them in the county Wagtail admin (服务点 > 货架位置), through
    service_points.services; a position no longer used is deactivated, not deleted.
    """

    point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("服务点"),
        on_delete=models.PROTECT,
        related_name="shelf_positions",
    )
    label = models.CharField(_("位置"), max_length=16, help_text=_("例如：A-3"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("货架位置")
        verbose_name_plural = _("货架位置")
        ordering = ["point", "sort_order", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "label"], name="service_points_shelf_label_unique_per_point"
            )
        ]

    def __str__(self):
        return f"{self.point.name} {self.label}"


@register_setting(icon="site")
class ServicePointSettings(BaseSiteSetting):
    """The county's rules for every service point, edited by county operators in the county
    Wagtail admin (Settings > 服务点设置). A county without a saved row uses these defaults
    (service_points.selectors.service_point_settings_get)."""

    parcel_hold_days = models.PositiveSmallIntegerField(
        _("包裹保留天数"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("包裹到服务点后，超过这些天未取即标记为逾期。"),
    )
    commission_rate_default = models.DecimalField(
        _("默认佣金比例"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=commission_rate_validators,
        # Empty: the province's share for this county applies (hub.selectors.policy).
        help_text=_("服务点未单独设置时使用；0.0300 即 3%。留空则使用省里规定的分成。"),
    )
    confirmation_minutes = models.PositiveSmallIntegerField(
        _("代下单确认时限（分钟）"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("店员代下单后，买家须在此时间内确认，否则释放库存。"),
    )
    cash_order_hold_days = models.PositiveSmallIntegerField(
        _("到付订单保留天数"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        # Only orders nothing has been done for yet: a parcel already prepared or at the
        # point follows the parcel hold and the clerk's return (county_sites.orders.returns).
        help_text=_(
            "到服务点付现金的订单，下单后超过这些天还没有开始备货，就自动取消并释放库存，短信告知买家。"
        ),
    )
    return_window_days = models.PositiveSmallIntegerField(
        _("退货期（天）"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text=_("取货后这些天内可退货；期满后佣金才结算。"),
    )

    class Meta:
        verbose_name = _("服务点设置")
        verbose_name_plural = _("服务点设置")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    commission_rate_default__gte=0,
                    commission_rate_default__lte=COMMISSION_RATE_MAX,
                    parcel_hold_days__gte=1,
                    confirmation_minutes__gte=1,
                ),
                name="service_points_settings_in_range",
            )
        ]


class PointVillager(models.Model):
    """A villager (or farmer) a point serves: registered or found there by one of its clerks.

    The clerk's console finds villagers through these rows only, so a clerk of one point never
    sees another point's villagers. A user may be served by several points (one row each);
    the row is written by service_points.services.point_villager_add, never edited.
    """

    point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("服务点"),
        on_delete=models.PROTECT,
        related_name="villagers",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("村民"),
        on_delete=models.PROTECT,
        related_name="service_point_links",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记店员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务点村民")
        verbose_name_plural = _("服务点村民")
        ordering = ["point", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "user"], name="service_points_villager_once_per_point"
            )
        ]

    def __str__(self):
        return f"{self.point.name} {self.user.mobile}"


class AssistedListing(models.Model):
    """A listing a clerk entered for a farmer at the counter: who, where and when.

    Written by service_points.services.assisted_listing_create together with the listing,
    never edited. The review queue and the listing's page in the county Wagtail admin show
    it as "由 <店员> 在 <服务点> 代录入"; the listing itself is the farmer's, in farmers.
    """

    listing = models.OneToOneField(
        "farmers.Listing",
        verbose_name=_("商品"),
        on_delete=models.PROTECT,
        related_name="assisted_entry",
    )
    point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("服务点"),
        on_delete=models.PROTECT,
        related_name="assisted_listings",
    )
    clerk_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入店员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    clerk_name = models.CharField(_("店员姓名"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代录入商品")
        verbose_name_plural = _("代录入商品")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.point.name} {self.listing_id}"
