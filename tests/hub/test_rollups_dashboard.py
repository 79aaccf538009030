"""The province's roll-up dashboard, its exports, the recompute button and the admin home's
cards: exact figures in yuan beside their definitions; province staff only."""

import io

import openpyxl
import pytest
from django.utils import timezone

from accounts.models import User
from hub.models import CountyMonthFigure, PointMonthFigure, RollUpRun
from hub.rollups import month_current, month_previous
from tests.fixtures.counties import OPERATOR_PASSWORD

DASHBOARD = "/admin/hub/rolluprun/dashboard/"
MONTH = month_previous(month_current())
BEFORE = month_previous(MONTH)
PERIOD = f"from={MONTH:%Y-%m}&to={MONTH:%Y-%m}"


@pytest.fixture
def staff(in_public):
    return User.objects.create(username="province-1", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(hub_client, staff):
    hub_client.force_login(staff)
    return hub_client


@pytest.fixture
def figures(in_public, county, other_county):
    """Last month and the month before, for both counties; two points of county A and one
    of county B."""
    now = timezone.now()
    rows = {
        (county, MONTH): {
            "orders_placed": 10, "orders_clerk_entered": 4, "net_sales_fen": 123_456,
            "produce_sales_fen": 100_000, "active_sellers": 3, "farmer_income_fen": 90_001,
            "users_total": 40, "villages_with_point": 2,
        },
        (county, BEFORE): {"orders_placed": 6, "net_sales_fen": 100_000, "users_total": 35},
        (other_county, MONTH): {
            "orders_placed": 5, "orders_clerk_entered": 1, "net_sales_fen": 50_000,
            "users_total": 20,
        },
    }  # fmt: skip
    for (each, month), values in rows.items():
        CountyMonthFigure.objects.bulk_create(
            CountyMonthFigure(county=each, month=month, key=key, value=value, computed_at=now)
            for key, value in values.items()
        )
    points = [
        (county, 1, "递铺服务点", "递铺村", {"orders_placed": 7, "cash_collected_fen": 4_550}),
        (county, 2, "梅溪服务点", "梅溪村", {"orders_placed": 3, "till_difference_fen": -100}),
        (other_county, 1, "千岛湖服务点", "汾口村", {"orders_placed": 5}),
    ]
    for each, point_id, name, village, values in points:
        PointMonthFigure.objects.bulk_create(
            PointMonthFigure(county=each, point_id=point_id, point_name=name, village=village,
                             month=MONTH, key=key, value=value, computed_at=now)
            for key, value in values.items()
        )  # fmt: skip


def test_the_dashboard_shows_exact_figures_in_yuan_beside_their_definitions(staff_client, figures):
    response = staff_client.get(f"{DASHBOARD}?{PERIOD}")

    assert response.status_code == 200
    page = response.content.decode()
    assert "¥1234.56" in page  # Anji's online retail
    assert "¥500.00" in page  # Chun'an's
    assert "¥1734.56" in page  # the province
    assert "+¥734.56" in page  # against the month before (¥1000.00)
    assert "下单时间在本月内的订单数，不论之后是否取消或退款" in page
    assert "33.33%" in page  # clerk-entered share of the province: 5 of 15
    assert "40.00%" in page  # Anji's: 4 of 10
    # Sales by county, the two trends, activity per point.
    assert page.count('<svg class="rollup-chart"') == 4
    assert "递铺服务点" in page and "千岛湖服务点" in page


def test_the_drill_down_shows_one_countys_points(staff_client, figures, county):
    page = staff_client.get(f"{DASHBOARD}?{PERIOD}&county={county.pk}").content.decode()

    assert "安吉县的服务点" in page
    assert "递铺服务点" in page and "梅溪服务点" in page
    assert "千岛湖服务点" not in page
    assert "-¥1.00" in page  # 梅溪's till difference
    assert staff_client.get(f"{DASHBOARD}?{PERIOD}&county=999999").status_code == 404
    assert staff_client.get(f"{DASHBOARD}?{PERIOD}&county=x").status_code == 404


@pytest.mark.parametrize(
    "query", ["from=2026-13", "from=March", f"from={MONTH:%Y-%m}&to={BEFORE:%Y-%m}"]
)
def test_a_bad_period_is_a_400_with_a_message(staff_client, figures, query):
    response = staff_client.get(f"{DASHBOARD}?{query}")

    assert response.status_code == 400
    assert "统计期有误：请按“年-月”选择月份" in response.content.decode()
    export = staff_client.get(f"{DASHBOARD}export/counties.csv?{query}")
    assert export.status_code == 400


def test_the_county_csv_has_every_figure_in_yuan(staff_client, figures):
    response = staff_client.get(f"{DASHBOARD}export/counties.csv?{PERIOD}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff统计期,县,行政区划代码,注册用户,")
    lines = text.splitlines()
    assert len(lines) == 1 + 2 + 1  # headers, two counties by code, the province
    assert lines[1].split(",")[1] == "淳安县"
    anji = lines[2].split(",")
    headers = lines[0].lstrip("\ufeff").split(",")
    assert anji[:3] == [f"{MONTH:%Y-%m}", "安吉县", "330523"]
    assert anji[headers.index("网络零售额（元）")] == "1234.56"
    assert anji[headers.index("订单数")] == "10"
    assert anji[headers.index("代下单占比（%）")] == "40.00"
    assert anji[headers.index("退款笔数")] == ""  # not computed: empty, not 0
    assert lines[3].split(",")[1] == "全省合计"
    assert lines[3].split(",")[headers.index("网络零售额（元）")] == "1734.56"


def test_the_indicator_pack_xlsx_has_the_provinces_columns(staff_client, figures):
    response = staff_client.get(f"{DASHBOARD}export/indicators.xlsx?{PERIOD}")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "农村电商指标"
    assert rows[0] == (
        "统计期", "县（市、区）", "行政区划代码", "网络零售额（元）", "农产品网络零售额（元）",
        "订单数（单）", "活跃网店数（个）", "活跃买家数（人）", "服务站点数（个）",
        "有服务站点的行政村数（个）", "活跃服务站点数（个）", "带动农户销售收入（元）",
        "代下单占比（%）",
    )  # fmt: skip
    assert rows[1][1:4] == ("淳安县", "330127", 500.0)
    assert rows[2][:8] == (f"{MONTH:%Y-%m}", "安吉县", "330523", 1234.56, 1000.0, 10, 3, None)
    assert rows[2][9] == 2
    assert rows[2][11:] == (900.01, 40.0)
    assert rows[3][1] == "全省合计"
    assert rows[3][3] == 1734.56


def test_the_xlsx_explains_every_figure_on_a_second_sheet(staff_client, figures):
    response = staff_client.get(f"{DASHBOARD}export/counties.xlsx?{PERIOD}")

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["县级指标", "指标说明"]
    notes = list(workbook["指标说明"].values)
    assert notes[0] == ("指标", "单位", "定义")
    assert (
        "订单数",
        "个数",
        "下单时间在本月内的订单数，不论之后是否取消或退款：已过去的月份不再变动。",
    ) in notes
    assert ("网络零售额", "元", "销售额减退款金额（同一月份）。") in notes
    assert len(notes) == 1 + 31
    counties = list(workbook["县级指标"].values)
    assert counties[2][1] == "安吉县"
    assert counties[2][counties[0].index("网络零售额（元）")] == 1234.56


def test_the_runs_list_links_to_the_dashboard(staff_client, in_public):
    RollUpRun.objects.create(trigger="nightly", month_to=MONTH, counties_total=2, counties_done=1)

    page = staff_client.get("/admin/hub/rolluprun/").content.decode()

    assert f'href="{DASHBOARD}"' in page
    assert "每晚自动" in page and "1/2" in page


def test_the_points_xlsx_lists_every_point(staff_client, figures):
    response = staff_client.get(f"{DASHBOARD}export/points.xlsx?{PERIOD}")

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:5] == ("统计期", "县", "服务点", "所在村", "订单数")
    assert [row[1:5] for row in rows[1:]] == [
        ("淳安县", "千岛湖服务点", "汾口村", 5),
        ("安吉县", "梅溪服务点", "梅溪村", 3),
        ("安吉县", "递铺服务点", "递铺村", 7),
    ]


def test_an_unknown_export_is_a_404(staff_client, figures):
    assert staff_client.get(f"{DASHBOARD}export/users.csv").status_code == 404
    assert staff_client.get(f"{DASHBOARD}export/counties.pdf").status_code == 404


def test_recompute_queues_a_run_and_the_dashboard_shows_its_progress(
    staff_client, staff, figures, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "hub.services.rollups.task_queue",
        lambda name, *, args, schema_name: sent.append((name, args)),
    )
    assert staff_client.get("/admin/hub/rolluprun/recompute/").status_code == 405

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/hub/rolluprun/recompute/", {"from": f"{MONTH:%Y-%m}", "to": "x&y"}
        )

    run = RollUpRun.objects.get()
    assert (run.trigger, run.state, run.requested_by, run.month_from) == (
        "on_demand", "queued", staff, None,
    )  # fmt: skip
    assert sent == [("hub.tasks.rollup_run_start", (run.pk,))]
    assert response.status_code == 302
    assert response["Location"] == f"{DASHBOARD}?from={MONTH:%Y-%m}&to=x%26y"
    page = staff_client.get(f"{DASHBOARD}?{PERIOD}").content.decode()
    assert "手动重算，排队中" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "0/2 个县" in page

    # A second click while it runs is refused with the reason, nothing queued.
    staff_client.post("/admin/hub/rolluprun/recompute/")
    assert RollUpRun.objects.count() == 1
    page = staff_client.get(f"{DASHBOARD}?{PERIOD}").content.decode()
    assert "已有一次统计正在进行（排队中，0/2 个县），请等它完成。" in page


def test_the_admin_home_shows_this_months_cards_and_the_dashboard_link(
    staff_client, in_public, county
):
    now = timezone.now()
    for month, value in ((month_current(), 21), (month_previous(month_current()), 15)):
        CountyMonthFigure.objects.create(
            county=county, month=month, key="orders_placed", value=value, computed_at=now
        )
        CountyMonthFigure.objects.create(
            county=county, month=month, key="net_sales_fen", value=value * 100, computed_at=now
        )

    page = staff_client.get("/admin/").content.decode()

    assert 'id="rollup-glance"' in page
    assert "¥21.00" in page and "+¥6.00" in page
    assert "（+6）" in page
    assert f'href="{DASHBOARD}"' in page
    assert "hub" in page  # the app list is still there below the cards


URLS = [
    DASHBOARD,
    f"{DASHBOARD}export/counties.csv",
    f"{DASHBOARD}export/indicators.xlsx",
    f"{DASHBOARD}export/points.csv",
]


def test_anonymous_visitors_are_sent_to_the_login(hub_client, in_public):
    for url in URLS:
        response = hub_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = hub_client.post("/admin/hub/rolluprun/recompute/")
    assert response.status_code == 302
    assert RollUpRun.objects.count() == 0


def test_staff_without_the_permission_are_refused(hub_client, in_public, figures):
    clerkish = User.objects.create(username="province-2", is_staff=True)
    hub_client.force_login(clerkish)

    for url in URLS:
        assert hub_client.get(url).status_code == 403
    assert hub_client.post("/admin/hub/rolluprun/recompute/").status_code == 403
    assert RollUpRun.objects.count() == 0
    page = hub_client.get("/admin/").content.decode()
    assert 'id="rollup-glance"' not in page


def test_a_county_operator_cannot_reach_the_dashboard(operator_client, hub_client, figures):
    # On the county's own host the path is not the province admin's (Wagtail's admin: 404).
    for url in URLS:
        assert operator_client.get(url, follow=True).status_code == 404
    # The county password means nothing on the hub host: county users live in the county.
    assert hub_client.login(username="operator", password=OPERATOR_PASSWORD) is False
    assert hub_client.get(DASHBOARD).status_code == 302
