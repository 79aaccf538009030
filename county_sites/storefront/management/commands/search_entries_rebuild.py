"""Rebuild the search entries (pinyin) of every listing of one county, e.g. after a bulk
import that bypassed farmers.services, or after changing county_sites.catalogue.search:

    python manage.py tenant_command search_entries_rebuild --schema=county_anji
"""

from django.core.management.base import BaseCommand
from django.db import connection

from county_sites.catalogue.services import listing_search_entries_rebuild


class Command(BaseCommand):
    help = "Rebuild listing search entries (pinyin) in the current county schema."

    def handle(self, *args, **options):
        if connection.schema_name == "public":
            self.stderr.write("Run it for a county: manage.py tenant_command ... --schema=...")
            return
        count = listing_search_entries_rebuild()
        self.stdout.write(f"{connection.schema_name}: {count} listings")
