"""python manage.py sync_county_groups: after migrate_schemas, bring every county's County
operators group up to the permissions this release defines (core/roles.py)."""

from django.core.management.base import BaseCommand

from hub.services import counties_operator_groups_sync


class Command(BaseCommand):
    help = "Give every county's County operators group this release's permissions."

    def handle(self, *args, **options):
        synced = counties_operator_groups_sync(progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"{synced} schemas synced."))
