"""The content of a generated demo county (`seed_demo --counties N` beyond the three
hand-written ones): service points in the county's real towns, two delivery zones, and
`sellers` farmers, co-operatives and merchants with villages of those towns, selling the
county's specialities and the winter produce of any Zhejiang hill county.

Deterministic: the same county and seller count always give the same content (a
random.Random seeded with the county's code), and seller n is the same whatever the count,
so a second run with more sellers only adds sellers. Returns demo.content shapes, so
demo.fill fills it exactly as it fills the hand-written counties.
"""

import random

from demo.content import DemoCounty, DemoListing, DemoPoint, DemoSeller, DemoZone
from demo.zhejiang import RealCounty, Speciality

# Winter produce any hill county of Zhejiang sells late in the year: (title, category, unit,
# price in fen, photo shape). A seller lists a few, its village in the title.
WINTER_PRODUCE: tuple[Speciality, ...] = tuple(
    Speciality(*row)
    for row in (
        ("冬笋 鲜挖", "vegetables", "jin", 1800, "shoots"),
        ("笋干 500克", "vegetables", "bag", 5800, "shoots"),
        ("香菇 干品 250克", "vegetables", "bag", 3800, "greens"),
        ("黑木耳 250克", "vegetables", "bag", 3600, "greens"),
        ("高山白萝卜", "vegetables", "jin", 250, "greens"),
        ("高山青菜", "vegetables", "jin", 400, "greens"),
        ("番薯 红心", "vegetables", "jin", 350, "grain"),
        ("土鸡蛋 30枚", "poultry-eggs", "box", 4800, "eggs"),
        ("散养土鸡 整只", "poultry-eggs", "head", 12800, "bird"),
        ("土鸭蛋 20枚", "poultry-eggs", "box", 3800, "eggs"),
        ("百花土蜂蜜 500克", "grain-oil", "bottle", 6800, "jar"),
        ("野山茶油 1升", "grain-oil", "bottle", 12800, "bottle"),
        ("手工年糕 2斤", "grain-oil", "bag", 2400, "grain"),
        ("高山红茶 250克", "tea", "pack", 12800, "leaves"),
        ("椪柑 5斤装", "fruit", "box", 3500, "fruit"),
        ("猕猴桃 5斤装", "fruit", "box", 5900, "fruit"),
        ("胡柚 5斤装", "fruit", "box", 3900, "fruit"),
        ("柿饼 500克", "fruit", "bag", 3200, "fruit"),
    )
)
DAILY_GOODS: tuple[Speciality, ...] = tuple(
    Speciality(*row)
    for row in (
        ("洗衣粉 2.5公斤", "daily-goods", "bag", 3290, "parcel"),
        ("食用盐 400克", "daily-goods", "bag", 250, "parcel"),
        ("酱油 1.9升", "daily-goods", "bottle", 2290, "bottle"),
        ("卷纸 10卷", "daily-goods", "pack", 2590, "parcel"),
        ("菜籽油 5升", "grain-oil", "bottle", 8990, "bottle"),
        ("大米 10公斤", "grain-oil", "bag", 6980, "grain"),
    )
)
SURNAMES = "王李张陈刘杨黄吴周徐孙朱胡郭何高林罗郑梁叶潘汪蒋"
GIVEN = (
    "建国",
    "秀英",
    "国强",
    "美丽",
    "永良",
    "桂芳",
    "海峰",
    "春梅",
    "志明",
    "玉兰",
    "卫东",
    "小红",
)
VILLAGES = (
    "上村",
    "下村",
    "溪口村",
    "石门村",
    "横山村",
    "大坑村",
    "塘头村",
    "岭下村",
    "新建村",
    "湖山村",
)
CO_OP = ("{village}茶叶专业合作社", "{town}竹笋专业合作社", "{village}生态农业合作社",
         "{town}蜂业专业合作社", "{village}果蔬专业合作社")  # fmt: skip
SHOP = ("{town}供销社便民超市", "{town}百货店", "{village}日用品商店")
# Listings per seller: a farmer lists 2-3 things, a co-operative 3-4, a merchant 3.
LISTINGS_PER_KIND = {"farmer": (2, 3), "cooperative": (3, 4), "merchant": (3, 3)}
POINTS_PER_COUNTY = 3
# Stock deep enough for several thousand demo orders a county (each takes one to three).
STOCK_RANGE = (300, 900)


def demo_seller_mobile(county: RealCounty, number: int) -> str:
    """The `number`-th (from 1) generated seller's mobile: 135, the county code's last four,
    four digits; unique across the province."""
    return f"135{county.code[-4:]}{number:04d}"


def villages_of(county: RealCounty) -> list[str]:
    rng = random.Random(f"villages:{county.code}")  # noqa: S311 - demo data, reproducible
    return [f"{town}{rng.choice(VILLAGES)}" for town in county.towns]


def county_demo_generate(county: RealCounty, *, sellers: int) -> DemoCounty:
    villages = villages_of(county)
    points = tuple(
        DemoPoint(
            name=f"{town.removesuffix('街道').removesuffix('镇').removesuffix('乡')}服务点",
            village=villages[index],
            address=f"{villages[index]}村委会旁便民店",
            latitude="28.500000",
            longitude="119.800000",
            opening_hours="每天 8:00-19:00",
            phone=f"0570-{county.code[-4:]}{index:03d}",
        )
        for index, town in enumerate(county.towns[:POINTS_PER_COUNTY])
    )
    zones = (
        DemoZone("县城", f"{county.towns[0]}及周边，下单次日送达", 500),
        DemoZone("乡镇", "其余乡镇，每周二、五送达", 1000),
    )
    return DemoCounty(
        slug=county.slug,
        batch_prefix=county.slug[:2].upper(),
        points=points,
        zones=zones,
        sellers=tuple(
            _seller(county, number, villages=villages, points=points)
            for number in range(1, sellers + 1)
        ),
    )


def _seller(county: RealCounty, number: int, *, villages, points) -> DemoSeller:
    rng = random.Random(f"seller:{county.code}:{number}")  # noqa: S311 - demo data
    town_index = rng.randrange(len(county.towns))
    town, village = county.towns[town_index], villages[town_index]
    roll = rng.random()
    kind = "farmer" if roll < 0.6 else "cooperative" if roll < 0.85 else "merchant"
    if kind == "farmer":
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    elif kind == "cooperative":
        name = rng.choice(CO_OP).format(town=town, village=village.removeprefix(town))
    else:
        name = rng.choice(SHOP).format(town=town, village=village.removeprefix(town))
    # Names repeat among hundreds of sellers: the number keeps them apart, as the county's
    # register would.
    name = f"{name}（{number}）" if kind != "farmer" else name
    if kind == "merchant":
        goods = rng.sample(DAILY_GOODS, 3)
    else:
        low, high = LISTINGS_PER_KIND[kind]
        pool = list(WINTER_PRODUCE)
        goods = rng.sample(pool, rng.randint(low, high))
        if rng.random() < 0.5:
            goods[0] = rng.choice(county.specialities)
    listings = tuple(_listing(item, rng, county=county, village=village) for item in goods)
    point = points[town_index].name if town_index < len(points) and kind == "farmer" else ""
    return DemoSeller(
        kind=kind,
        name=name,
        mobile=demo_seller_mobile(county, number),
        village=village,
        bank_name=f"浙江{county.short}农村商业银行",
        bank_account_number=f"6230{county.code}{number:09d}",
        consent_method="at_service_point" if point else "paper_form",
        listings=listings,
        point=point,
    )


def _listing(item: Speciality, rng: random.Random, *, county: RealCounty, village: str):
    # A plausible spread around the county's usual price, rounded to a jiao.
    price = max(100, round(item.price_fen * rng.uniform(0.85, 1.2) / 10) * 10)
    produce = item.category != "daily-goods" or item.shape == "jar"
    prefix = county.short if produce and not item.title.startswith(county.short) else ""
    return DemoListing(
        title=f"{prefix}{item.title}",
        category=item.category,
        unit=item.unit,
        price_fen=price,
        stock=rng.randint(*STOCK_RANGE),
        description=f"{village}出产，{county.name}本地货，当季新鲜。",
        origin_village=village if produce else "",
        photo_label=item.title.split(" ")[0],
        photo_shape=item.shape,
    )
