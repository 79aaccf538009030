"""The monthly roll-up (issue 10, point 6): every figure of every month equals a direct count
of the rows in each county; months are local; a rerun writes the same rows; a failing county
fails the run and keeps its earlier rows; the nightly beat entry."""

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from core import county_apps
from county_sites.orders.services import order_cancel
from hub.models import CountyMonthFigure, PointMonthFigure, RollUpRun
from hub.rollups import FIGURES, POINT, month_current, month_previous, stored_keys
from hub.services.rollups import RUN_TASK, rollup_run_request
from hub.tasks import counties_rollup_nightly
from tests.fixtures.orders import place
from tests.hub.rollup_helpers import Clock, build_county, local, months, recount, run_rollup


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def two_counties(clock, in_county, other_county, bank_in_process):
    """The scenario in county A and, with other prices, in county B."""
    built = {"a": build_county(clock, tag="1")}
    with tenant_context(other_county):
        built["b"] = build_county(clock, tag="2", scale=2)
    return built


def _stored(county, month) -> dict:
    return dict(
        CountyMonthFigure.objects.filter(county=county, month=month).values_list("key", "value")
    )


def _stored_points(county) -> dict:
    rows: dict = {}
    for point_id, month, key, value in PointMonthFigure.objects.filter(county=county).values_list(
        "point_id", "month", "key", "value"
    ):
        rows.setdefault((point_id, month), {})[key] = value
    return rows


def test_every_figure_equals_a_direct_count_in_each_county_and_a_rerun_writes_the_same(
    two_counties, county, other_county
):
    run = run_rollup(requested_by=None)

    assert (run.state, run.counties_done, run.counties_failed) == ("done", 2, 0)
    all_months = [*months(), month_previous(month_current()), month_current()]
    all_months = sorted(set(all_months))
    for each in (county, other_county):
        with tenant_context(each):
            expected, expected_points = recount(all_months)
        for month in all_months:
            assert _stored(each, month) == expected[month], (each.slug, month)
        assert _stored_points(each) == {
            key: values for key, values in expected_points.items() if key[1] in all_months
        }
    # Every stored figure of the registry was reported, and nothing else.
    assert set(_stored(county, months()[0])) == {f.key for f in FIGURES if f.is_stored}

    # A rerun writes the same rows.
    columns = ("county_id", "month", "key", "value")
    before = list(CountyMonthFigure.objects.order_by(*columns).values_list(*columns))
    points = ("county_id", "point_id", "point_name", "village", "month", "key", "value")
    before_points = list(PointMonthFigure.objects.order_by(*points).values_list(*points))
    assert run_rollup().state == "done"
    assert list(CountyMonthFigure.objects.order_by(*columns).values_list(*columns)) == before
    assert list(PointMonthFigure.objects.order_by(*points).values_list(*points)) == before_points


def test_the_scenario_lands_in_the_months_it_happened_in_local_time(
    two_counties, county, other_county
):
    first, second = months()
    run_rollup()
    a1, a2 = _stored(county, first), _stored(county, second)

    # Placed in the first month: cash, online, delivered, cancelled, clerk-entered and the one
    # at 23:30 local on the last day; cancelled in the first month: one, in the second: the
    # late one, counted there although it was placed in the first.
    assert (a1["orders_placed"], a1["orders_cancelled"], a1["orders_clerk_entered"]) == (6, 1, 1)
    assert (a2["orders_placed"], a2["orders_cancelled"]) == (1, 1)
    assert (a1["refunds_count"], a2["refunds_count"]) == (0, 1)
    assert a2["refunds_fen"] == 3 * 650
    assert (a1["active_sellers_farmer"], a1["active_sellers_cooperative"]) == (1, 1)
    assert a1["active_sellers_merchant"] == 1
    assert (a1["sellers_total"], a1["sellers_farmer"]) == (4, 2)
    assert (a1["points_total"], a1["villages_with_point"]) == (3, 2)
    assert (a1["till_difference_fen"], a1["till_closes_off"]) == (-100, 1)
    assert (a2["till_difference_fen"], a2["till_closes_off"]) == (50, 1)
    # Cash at P (tea + 2 soap), online rice at P, online delivered soap + rice + fee 8.00.
    assert a1["sales_fen"] == (12_800 + 2 * 990) + 3 * 650 + (990 + 650 + 800)
    assert a1["net_sales_fen"] == a1["sales_fen"]
    assert a2["net_sales_fen"] == 2 * 650 - 3 * 650
    # County B's prices are twice A's, its counts the same.
    b1 = _stored(other_county, first)
    assert b1["orders_placed"] == 6
    assert b1["sales_fen"] == 2 * (12_800 + 2 * 990 + 3 * 650 + 990 + 650) + 800

    # The order at 23:30 local on the first month's last day (15:30 UTC) is the first month's
    # at its point Q; Q's order of the second month is the one collected there.
    late, point_q = two_counties["a"]["late"], two_counties["a"]["point_q"]
    with tenant_context(county):
        late.refresh_from_db()
    assert (late.placed_at.hour, late.placed_at.minute) == (15, 30)
    figures = _stored_points(county)
    assert figures[(point_q.pk, first)]["orders_placed"] == 1
    assert figures[(point_q.pk, second)]["orders_placed"] == 1


def test_a_closed_month_does_not_move_when_its_order_is_cancelled_later(
    clock, in_county, county, bank_in_process
):
    """Anji's 10 that became 6: an order of a past month cancelled today is still that
    month's order; the cancellation counts in this month."""
    first, _second = months()
    built = build_county(clock, tag="1")
    clock.set(local(first, 20, 9))
    order = place(built["buyer"], [(built["tea"], 1)], point=built["point_p"],
                  payment="cash_on_pickup")  # fmt: skip
    clock.reset()
    run_rollup()
    before = _stored(county, first)
    cancelled_now = _stored(county, month_current())["orders_cancelled"]

    order_cancel(order=order, actor=built["buyer"])
    run_rollup()

    assert _stored(county, first) == before
    assert before["orders_placed"] == 7
    assert _stored(county, month_current())["orders_cancelled"] == cancelled_now + 1


def test_a_failing_county_fails_the_run_and_keeps_its_rows(
    two_counties, county, other_county, monkeypatch
):
    run_rollup()
    columns = ("month", "key", "value")
    kept = list(
        CountyMonthFigure.objects.filter(county=other_county)
        .order_by(*columns)
        .values_list(*columns)
    )

    def broken(start, end):
        from django.db import connection

        if connection.schema_name == other_county.schema_name:
            raise RuntimeError("账本读不出来")
        return county_apps.MonthFigures()

    monkeypatch.setitem(county_apps._month_figures, "broken", broken)
    run = run_rollup()

    assert (run.state, run.counties_done, run.counties_failed) == ("failed", 1, 1)
    assert run.error == "淳安县：RuntimeError: 账本读不出来"
    assert run.finished_at is not None
    after = list(
        CountyMonthFigure.objects.filter(county=other_county)
        .order_by(*columns)
        .values_list(*columns)
    )
    assert after == kept


def test_a_figure_no_app_reports_fails_the_county(in_county, county, monkeypatch):
    monkeypatch.delitem(county_apps._month_figures, "ledger")
    run = run_rollup()

    assert run.state == "failed"
    assert "sales_fen" in run.error
    assert not CountyMonthFigure.objects.filter(county=county).exists()


def test_nightly_recomputes_the_current_and_previous_month_and_queues_on_commit(
    in_public, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "hub.services.rollups.task_queue",
        lambda name, *, args, schema_name: sent.append((name, args, schema_name)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_id = counties_rollup_nightly()

    run = RollUpRun.objects.get(pk=run_id)
    assert (run.trigger, run.state) == ("nightly", "queued")
    assert (run.month_from, run.month_to) == (month_previous(month_current()), month_current())
    assert sent == [(RUN_TASK, (run.pk,), "public")]


def test_a_second_request_while_one_runs_is_refused_and_nightly_skips(in_public, monkeypatch):
    monkeypatch.setattr("hub.services.rollups.task_queue", lambda *a, **k: None)
    first = rollup_run_request()
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        rollup_run_request()
    assert str(refused.value) == "已有一次统计正在进行（排队中，0/2 个县），请等它完成。"
    assert counties_rollup_nightly() is None
    assert list(RollUpRun.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_beat_schedule_has_the_nightly_roll_up_and_not_the_15_minute_refresh():
    schedule = settings.CELERY_BEAT_SCHEDULE
    entry = schedule["counties-rollup-nightly"]
    assert entry["task"] == "hub.tasks.counties_rollup_nightly"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
    assert "counties-refresh-stats" not in schedule
    assert all(value["task"] != "hub.tasks.counties_refresh_stats" for value in schedule.values())


def test_every_figure_has_a_label_and_a_written_definition():
    for figure in FIGURES:
        assert str(figure.label) and len(str(figure.definition)) > 8, figure.key
    assert stored_keys(POINT) == {
        "orders_placed", "orders_clerk_entered", "handovers", "cash_collected_fen",
        "point_commission_fen", "till_difference_fen", "till_closes_off",
    }  # fmt: skip


def test_starting_a_run_fans_out_into_every_county_once(
    in_public, county, other_county, monkeypatch
):
    from hub import tasks

    monkeypatch.setattr("hub.services.rollups.task_queue", lambda *a, **k: None)
    fanned = []
    monkeypatch.setattr(
        tasks,
        "counties_fan_out",
        lambda task, *, counties, args: fanned.append((task, list(counties), args)) or 2,
    )
    run = rollup_run_request()

    tasks.rollup_run_start(run.pk)
    tasks.rollup_run_start(run.pk)  # a redelivered message starts nothing again

    assert fanned == [
        (tasks.rollup_county, [other_county, county], (run.pk,)),
        (tasks.rollup_county, [], (run.pk,)),
    ]
    run.refresh_from_db()
    assert (run.state, run.counties_total, run.started_at is not None) == ("running", 2, True)


def test_a_county_can_be_recomputed_without_a_run(in_county, county):
    """What bench/rollup.py times: one county's every month, in its schema, no run record."""
    from hub.services.rollups import rollup_county_run

    assert rollup_county_run(county=county) is None

    stored = _stored(county, month_current())
    assert set(stored) == {f.key for f in FIGURES if f.is_stored}
    with tenant_context(county):
        expected, _points = recount([month_current()])
    assert stored == expected[month_current()]
    assert not RollUpRun.objects.exists()
