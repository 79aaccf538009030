"""python manage.py county_status anji suspended|active"""

from django.core.management.base import BaseCommand, CommandError

from hub.models import County
from hub.services import county_set_status


class Command(BaseCommand):
    help = "Suspend a county (its hosts answer 503) or make it active again."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("status", choices=[c.value for c in County.Status])

    def handle(self, *args, slug, status, **options):
        county = County.objects.counties().filter(slug=slug).first()
        if county is None:
            raise CommandError(f"No county with slug {slug!r}.")
        county_set_status(county=county, status=status)
        self.stdout.write(f"{county.name}: {county.get_status_display()}")
