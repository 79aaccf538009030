"""The county storefront's Wagtail pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class CountyHomePage(Page):
    """The county's home page, the root of its Wagtail site. County operators edit it in the
    Wagtail admin (Pages > the county's name). Made by county_create with the county's name as
    its title."""

    intro = models.TextField(_("简介"), blank=True, help_text=_("显示在首页顶部的一段话。"))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("县级首页")
        verbose_name_plural = _("县级首页")
