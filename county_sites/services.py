"""Writes for a county's Wagtail site; run inside the county's schema (tenant_context)."""

from django.db import transaction
from wagtail.models import Page, Site

from county_sites.models import CountyHomePage
from county_sites.permissions import county_operator_group_ensure


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
        home = root.add_child(instance=CountyHomePage(title=county.name, slug="home"))
        home.save_revision().publish()
    elif home.title != county.name:
        home.title = county.name
        home.draft_title = county.name
        home.save_revision().publish()

    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = domain or "localhost"
    site.port = 80
    site.site_name = county.name
    site.root_page = home
    site.save()
    county_operator_group_ensure()
    return home
