"""Create a county from the command line:

python manage.py create_county --code 330523 --slug anji --name 安吉县 --name-en "Anji County"
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from hub.services import county_create


class Command(BaseCommand):
    help = (
        "Create a county storefront: its schema (cloned from the template), domain, "
        "home page and operator."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="GB/T 2260 six-digit county code")
        parser.add_argument("--slug", required=True, help="DNS label, used as <slug>.<base domain>")
        parser.add_argument("--name", required=True, help="Chinese name, e.g. 安吉县")
        parser.add_argument("--name-en", default="", help="English name")
        parser.add_argument("--operator-username", default="operator")
        parser.add_argument(
            "--operator-password", default=None, help="default: a random one, printed once"
        )

    def handle(self, *args, **options):
        try:
            created = county_create(
                code=options["code"],
                slug=options["slug"],
                name=options["name"],
                name_en=options["name_en"],
                operator_username=options["operator_username"],
                operator_password=options["operator_password"],
                progress=lambda message: self.stdout.write(message),
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("域名：%(domain)s（后台 /admin/）  运营人员：%(user)s  密码：%(password)s")
                % {
                    "domain": created.domain.domain,
                    "user": created.operator_username,
                    "password": created.operator_password,
                }
            )
        )
