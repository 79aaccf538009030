"""Rebuild one county's part of the province catalogue now (what the nightly beat task does),
e.g. after a bulk import that bypassed farmers.services or a lost worker:

    python manage.py tenant_command province_index_rebuild --schema=county_anji
"""

from django.core.management.base import BaseCommand
from django.db import connection

from county_sites.catalogue.province import province_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the current county's rows of the province catalogue."

    def handle(self, *args, **options):
        if connection.schema_name == "public":
            self.stderr.write("Run it for a county: manage.py tenant_command ... --schema=...")
            return
        result = province_index_rebuild()
        self.stdout.write(
            f"{connection.schema_name}: {result.written} written, {result.removed} removed"
        )
