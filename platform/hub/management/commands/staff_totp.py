"""python manage.py staff_totp (--county anji | --province) USERNAME [--off]

Turn on the optional second factor (TOTP, docs/adr/0018) for a staff account: prints the
otpauth:// address once, for the person's authenticator app (as a QR code, or typed in). The
province admin also shows TOTP devices, with their QR codes, under Django OTP.
"""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.services import staff_totp_disable, staff_totp_enable
from core.errors import ApplicationError
from hub.models import County


class Command(BaseCommand):
    help = "Turn the TOTP second factor on (or --off) for a county or province staff account."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--county", help="county slug (a county operator)")
        where.add_argument("--province", action="store_true", help="province staff (public)")
        parser.add_argument("username")
        parser.add_argument("--off", action="store_true", help="back to the password alone")

    def handle(self, *args, county, province, username, off, **options):
        schema = "public"
        if county:
            found = County.objects.counties().filter(slug=county).first()
            if found is None:
                raise CommandError(f"No county with slug {county!r}.")
            schema = found.schema_name
        with schema_context(schema):
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r} in {schema}.")
            if off:
                removed = staff_totp_disable(user=user)
                self.stdout.write(f"{username}: second factor off ({removed} device(s) removed)")
                return
            try:
                device = staff_totp_enable(user=user)
            except ApplicationError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{username}: second factor on. Add to the authenticator app:")
            self.stdout.write(device.config_url)
