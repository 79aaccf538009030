"""The catalogue's GET forms: filters and sort in the query string, so they work without
JavaScript and every filtered list has its own URL (and page-cache entry)."""

from decimal import Decimal

from django import forms
from django.forms.renderers import Jinja2 as Jinja2FormRenderer
from django.utils.translation import gettext_lazy as _

from county_sites.catalogue.selectors import CatalogueFilters, Sort
from hub.vocabulary import active_certification_choices

SORT_CHOICES = [
    (Sort.NEWEST, _("最新上架")),
    (Sort.PRICE_ASC, _("价格从低到高")),
    (Sort.PRICE_DESC, _("价格从高到低")),
]
MAX_PRICE_YUAN = Decimal("1000000")


class CatalogueFilterForm(forms.Form):
    """Sort, sub-category, price range in yuan, certification and origin village. A value
    that does not validate is ignored rather than refused: a hand-edited URL still lists."""

    # Its widgets (selects of every village and certification) are rendered on every
    # category page; Django's own Jinja2 widget templates print the same markup in about
    # half the time of its Django-template ones (docs/adr/0011).
    default_renderer = Jinja2FormRenderer()

    sort = forms.ChoiceField(label=_("排序"), choices=SORT_CHOICES, required=False)
    category = forms.ChoiceField(label=_("类目"), required=False)
    price_min = forms.DecimalField(
        label=_("最低价（元）"),
        min_value=0,
        max_value=MAX_PRICE_YUAN,
        decimal_places=2,
        required=False,
    )
    price_max = forms.DecimalField(
        label=_("最高价（元）"),
        min_value=0,
        max_value=MAX_PRICE_YUAN,
        decimal_places=2,
        required=False,
    )
    certification = forms.ChoiceField(
        label=_("认证"),
        choices=lambda: [("", _("不限")), *active_certification_choices()],
        required=False,
    )
    village = forms.ChoiceField(label=_("产地村"), required=False)

    def __init__(self, data, *, category, villages: list[str]):
        super().__init__(data)
        self.base_category = category
        children = getattr(category, "active_children", []) if category else []
        self.sub_categories = {child.slug: child for child in children}
        if self.sub_categories:
            self.fields["category"].choices = [
                ("", _("全部")),
                *((child.slug, child.display_name) for child in children),
            ]
        else:
            del self.fields["category"]
        self.fields["village"].choices = [("", _("不限")), *((v, v) for v in villages)]

    def filters(self) -> CatalogueFilters:
        self.is_valid()
        data = self.cleaned_data
        category = self.sub_categories.get(data.get("category") or "") or self.base_category

        def fen(value):
            return None if value is None else int(value * 100)

        return CatalogueFilters(
            category=category,
            price_min_fen=fen(data.get("price_min")),
            price_max_fen=fen(data.get("price_max")),
            certification=data.get("certification") or "",
            village=data.get("village") or "",
            sort=data.get("sort") or Sort.NEWEST,
        )
