"""Village service points: convenience stores where a clerk helps villagers and farmers."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServicePoint(models.Model):
    """A village service point of this county: where parcels are picked up and where clerks
    register farmers and list produce for them.

    County operators edit them in the county Wagtail admin (服务点). Clerks, pickup shelf, till
    and commission rate come with the service point issue; for now a point is a place.
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
    is_active = models.BooleanField(_("营业中"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务点")
        verbose_name_plural = _("服务点")
        ordering = ["village", "name"]

    def __str__(self):
        return f"{self.name}（{self.village}）"
