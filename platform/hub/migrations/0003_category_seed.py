"""The province's top-level categories (DESIGN.md section 4). Province staff add sub-categories
and more in the province admin."""

from django.db import migrations

CATEGORIES = [
    # slug, name, name_en
    ("grain-oil", "粮油", "Grain & Oil"),
    ("vegetables", "蔬菜", "Vegetables"),
    ("fruit", "水果", "Fruit"),
    ("tea", "茶叶", "Tea"),
    ("poultry-eggs", "禽蛋", "Poultry & Eggs"),
    ("aquatic", "水产", "Aquatic Products"),
    ("daily-goods", "日用百货", "Daily Goods"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("hub", "Category")
    for position, (slug, name, name_en) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "name_en": name_en, "sort_order": position * 10},
        )


def unseed(apps, schema_editor):
    Category = apps.get_model("hub", "Category")
    Category.objects.filter(slug__in=[slug for slug, _name, _en in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("hub", "0002_category")]

    operations = [migrations.RunPython(seed, unseed)]
