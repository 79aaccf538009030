"""The seeds of the province's vocabularies: units of sale and certification kinds.

The vocabularies are rows the province edits (hub.models.SaleUnit, CertificationKind, read
through hub.vocabulary); migration 0009 seeded them from these enums, which stay as the codes
code and the demo name (Unit.JIN is "jin") and as the stand-in before the tables exist.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    JIN = "jin", _("斤")
    KILOGRAM = "kg", _("公斤")
    BOX = "box", _("箱")
    PIECE = "piece", _("件")
    BAG = "bag", _("袋")
    PACK = "pack", _("盒")
    BOTTLE = "bottle", _("瓶")
    HEAD = "head", _("只")
    ITEM = "item", _("个")
    BUNCH = "bunch", _("把")
    BUCKET = "bucket", _("桶")


class Certification(models.TextChoices):
    GREEN_FOOD = "green_food", _("绿色食品")
    ORGANIC = "organic", _("有机产品")
    GEOGRAPHICAL_INDICATION = "geo_indication", _("农产品地理标志")


# Every kind is a numbered certificate a buyer can check with the issuer, so the number is
# required for all of them; a kind without numbers would be left out of this set.
CERTIFICATE_NUMBER_REQUIRED = frozenset(Certification.values)
