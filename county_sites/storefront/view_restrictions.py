"""Wagtail's page view restrictions (private pages) in one query instead of two.

Page.get_view_restrictions reads the page's ancestors (to resolve aliases), then the
restrictions of those pages: two queries on every page served, cached or not. The
ancestors' paths are prefixes of the page's own, so one statement does both: restrictions of
the pages on the path that are not aliases, and of the sources of those that are (Wagtail's
aliases point at the original page, never at another alias).
"""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction


def page_view_restrictions(page):
    step = page.steplen
    paths = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    on_path = Page.objects.filter(path__in=paths)
    return PageViewRestriction.objects.filter(
        Q(page__in=on_path.filter(alias_of__isnull=True).values("pk"))
        | Q(page__in=on_path.filter(alias_of__isnull=False).values("alias_of"))
    )


class OneQueryViewRestrictionsMixin:
    def get_view_restrictions(self):
        return page_view_restrictions(self)
