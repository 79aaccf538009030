"""python manage.py seed_demo: the demo province and its three counties. Safe to run again."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from accounts.services import user_create_county_operator, user_create_province_staff
from core.roles import county_operator_group_ensure
from demo.fill import county_demo_fill
from hub.models import County
from hub.services import county_create, county_template_ensure

DEMO_PASSWORD = "fengshou-demo"  # noqa: S105 - printed on purpose: demo data only
PROVINCE_USERNAME = "province"
DEMO_COUNTIES = [
    {"code": "330523", "slug": "anji", "name": "安吉县", "name_en": "Anji County"},
    {"code": "330127", "slug": "chunan", "name": "淳安县", "name_en": "Chun'an County"},
    {"code": "331123", "slug": "suichang", "name": "遂昌县", "name_en": "Suichang County"},
]


class Command(BaseCommand):
    help = (
        "Seed the demo province (a province admin) and three demo counties with operators, "
        "service points, delivery zones, sellers and approved listings."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            user_create_province_staff(username=PROVINCE_USERNAME, password=DEMO_PASSWORD)
        county_template_ensure(progress=self.stdout.write)
        total = len(DEMO_COUNTIES)
        for index, spec in enumerate(DEMO_COUNTIES, start=1):
            self.stdout.write(f"[{index}/{total}] {spec['name']} ({spec['slug']})")
            county = County.objects.filter(slug=spec["slug"]).first()
            if county is None:
                county = county_create(
                    **spec, operator_password=DEMO_PASSWORD, progress=self.stdout.write
                ).county
            else:
                self.stdout.write(_("已存在，跳过创建。"))
                with tenant_context(county):
                    # A county seeded by an older release: its group may lack new permissions.
                    county_operator_group_ensure()
                    user_create_county_operator(username="operator", password=DEMO_PASSWORD)
            county_demo_fill(county=county, progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(_("演示数据已就绪。")))
