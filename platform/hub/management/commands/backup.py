"""manage.py backup: dump or restore one county or the hub (docs/deploy.md, "Backups").

manage.py backup county anji /var/backups/fengshou/anji-2026-12-01
manage.py backup hub /var/backups/fengshou/hub-2026-12-01
manage.py backup restore-county /var/backups/fengshou/anji-2026-12-01 [--replace]
manage.py backup restore-hub /var/backups/fengshou/hub-2026-12-01 --database-url postgres://…
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from hub.host_cache import host_cache_clear
from hub.services.backup import county_backup, county_restore, hub_backup, hub_restore


class Command(BaseCommand):
    help = "Dump or restore one county (schema, public rows, media) or the hub (public schema)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        county = actions.add_parser("county", help="Dump one county into a new folder.")
        county.add_argument("slug")
        county.add_argument("directory", type=Path)
        hub = actions.add_parser("hub", help="Dump the public schema into a new folder.")
        hub.add_argument("directory", type=Path)
        restore_county = actions.add_parser("restore-county", help="Restore one county.")
        restore_county.add_argument("directory", type=Path)
        restore_county.add_argument(
            "--replace", action="store_true", help="Drop the county's schema first if it exists."
        )
        restore_county.add_argument("--database-url", default="", help="Restore elsewhere.")
        restore_hub = actions.add_parser("restore-hub", help="Restore the public schema.")
        restore_hub.add_argument("directory", type=Path)
        restore_hub.add_argument("--database-url", default="", help="An empty database.")

    def handle(self, *args, action, directory, **options):
        try:
            if action == "county":
                manifest = county_backup(slug=options["slug"], directory=directory)
                self.stdout.write(
                    f"County {manifest['slug']} ({manifest['schema']}, "
                    f"{manifest['media_files']} media files) -> {directory}"
                )
            elif action == "hub":
                manifest = hub_backup(directory=directory)
                self.stdout.write(f"Hub ({len(manifest['counties'])} counties) -> {directory}")
            elif action == "restore-county":
                county = county_restore(
                    directory=directory,
                    replace=options["replace"],
                    database_url=options["database_url"],
                )
                host_cache_clear()
                self.stdout.write(f"County {county.slug} ({county.schema_name}) restored.")
            else:
                hub_restore(directory=directory, database_url=options["database_url"])
                self.stdout.write("Hub restored.")
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
