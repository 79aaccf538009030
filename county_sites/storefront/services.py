"""Writes for a county's Wagtail site; run inside the county's schema (tenant_context)."""

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from core.roles import county_operator_group_ensure
from county_sites.storefront.models import CountyHomePage


def home_page_default_body(*, county) -> list[dict]:
    """What a new county's home page shows before its operator curates it: a welcome
    announcement, tiles of every top-level category (none chosen means all), the newest
    listings and the service points. The county's name is the home page's title, so the
    template uses the home's title, not the county (a template schema's name is "模板")."""
    welcome = _("本地农户直供，新鲜到家。可到村服务点自提，也可送货上门。")
    return [
        {"type": "announcement", "value": {"text": f"<p>{welcome}</p>"}},
        {"type": "category_tiles", "value": {"title": _("分类"), "categories": []}},
        {"type": "latest_listings", "value": {"title": _("新鲜上架"), "count": 6}},
        {"type": "service_points", "value": {"title": _("附近服务点"), "show_map_links": True}},
    ]


def _home_untouched(home: CountyHomePage) -> bool:
    """Never edited by a person: every revision was made by setup code (no user)."""
    return not home.revisions.exclude(user=None).exists()


@transaction.atomic
def county_site_setup(*, county, domain: str) -> CountyHomePage:
    """Give the current county schema its home page (titled with the county's name), a Wagtail
    site on its domain and the county operator group. Safe to run again."""
    home = CountyHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's initial migration leaves a "Welcome" page; the county home replaces it.
        for page in root.get_children():
            page.delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=CountyHomePage(
                title=county.name, slug="home", body=home_page_default_body(county=county)
            )
        )
        home.save_revision().publish()
    else:
        changed = False
        if home.title != county.name:
            home.title = county.name
            home.draft_title = county.name
            changed = True
        if not home.body and _home_untouched(home):
            home.body = home_page_default_body(county=county)
            changed = True
        if changed:
            home.save_revision().publish()

    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = domain or "localhost"
    site.port = 80
    site.site_name = county.name
    site.root_page = home
    site.save()
    county_operator_group_ensure()
    return home
