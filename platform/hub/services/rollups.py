"""Writes of the monthly roll-up (hub.rollups): a run is asked for (nightly by beat, or by a
province operator), each county's part is computed in its own schema by the county apps
(core.county_apps.county_month_figures) and replaces that county's rows of those months in one
transaction, then counts towards the run's progress."""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.county_apps import MonthFigures, county_activity_start, county_month_figures
from core.county_tasks import task_queue
from core.errors import ApplicationError, full_clean_or_refuse
from hub.models import County, CountyMonthFigure, PointMonthFigure, RollUpRun
from hub.rollups import (
    COUNTY,
    POINT,
    month_bounds,
    month_current,
    month_of,
    month_previous,
    months_between,
    stored_keys,
)

logger = logging.getLogger(__name__)

RUN_TASK = "hub.tasks.rollup_run_start"
MSG_ALREADY_RUNNING = gettext_lazy(
    "已有一次统计正在进行（%(state)s，%(done)s/%(total)s 个县），请等它完成。"
)
MSG_COUNTY_FAILED = gettext_lazy("%(county)s：%(error)s")
# A run unfinished for longer than this is taken as lost (a worker killed mid-run) and no
# longer keeps a new one from starting.
RUN_STALE_AFTER = dt.timedelta(hours=6)
MSG_MISSING_FIGURES = "the county apps reported no value for: %s"


def rollup_run_request(
    *, trigger: str = RollUpRun.Trigger.ON_DEMAND, requested_by=None, now=None
) -> RollUpRun:
    """Record a run and queue it once committed. Nightly: the current and the previous month
    (yesterday's late orders and refunds are in one of them); on demand: every month from each
    county's first activity. Refused while another run is unfinished: two runs writing the
    same rows would only race."""
    month_to = month_current(now)
    month_from = month_previous(month_to) if trigger == RollUpRun.Trigger.NIGHTLY else None
    with transaction.atomic():
        unfinished = (
            RollUpRun.objects.select_for_update()
            .filter(
                state__in=[RollUpRun.State.QUEUED, RollUpRun.State.RUNNING],
                created_at__gte=(now or timezone.now()) - RUN_STALE_AFTER,
            )
            .first()
        )
        if unfinished is not None:
            raise ApplicationError(
                MSG_ALREADY_RUNNING
                % {
                    "state": unfinished.get_state_display(),
                    "done": unfinished.counties_done,
                    "total": unfinished.counties_total,
                }
            )
        run = RollUpRun(
            trigger=trigger,
            requested_by=requested_by,
            month_from=month_from,
            month_to=month_to,
            counties_total=County.objects.counties().count(),
        )
        full_clean_or_refuse(run)
        run.save()
        transaction.on_commit(lambda: task_queue(RUN_TASK, args=(run.pk,), schema_name="public"))
    return run


def rollup_run_start(*, run_id: int) -> list[County]:
    """Mark a queued run running and return the counties to run it in (none: it was already
    started, a redelivered task). The counties are counted now, not when the run was asked
    for, so a county created or removed in between cannot leave the run unfinished. A run
    over no county at all is done at once."""
    with transaction.atomic():
        run = RollUpRun.objects.select_for_update().get(pk=run_id)
        if run.state != RollUpRun.State.QUEUED:
            return []
        counties = list(County.objects.counties().order_by("code"))
        run.state = RollUpRun.State.RUNNING
        run.started_at = timezone.now()
        run.counties_total = len(counties)
        if not counties:
            run.state, run.finished_at = RollUpRun.State.DONE, run.started_at
        run.save(update_fields=["state", "started_at", "finished_at", "counties_total"])
    return counties


def rollup_months(
    *, month_from: dt.date | None, month_to: dt.date, activity_start: dt.datetime | None
) -> list[dt.date]:
    """The months to recompute in one county: from `month_from` (None: the county's first
    activity) to `month_to`."""
    first = month_from
    if first is None:
        first = month_of(activity_start) if activity_start else month_to
    return months_between(min(first, month_to), month_to)


def rollup_county_run(
    *, county: County, months: list[dt.date] | None = None, run: RollUpRun | None = None
) -> RollUpRun | None:
    """Inside `county`'s schema: recompute its figures of `months` (None: the run's months, or
    without a run every month from its first activity to this one) and replace its rows; with
    a run, count the county as done in it. Raises on any failure, leaving the rows as they
    were (hub.tasks.rollup_county then fails the run with the reason)."""
    if months is None:
        months = rollup_months(
            month_from=run.month_from if run else None,
            month_to=run.month_to if run else month_current(),
            activity_start=county_activity_start(),
        )
    figures = rollup_county_compute(months=months)
    return rollup_county_store(run_id=run.pk if run else None, county=county, figures=figures)


def rollup_county_compute(*, months: list[dt.date]) -> dict[dt.date, MonthFigures]:
    """Inside a county's schema: every month's figures, as its apps count them. A figure no
    app reports is an error (a roll-up with a hole would look like a zero)."""
    figures = {}
    for month in months:
        part = county_month_figures(*month_bounds(month))
        missing = stored_keys(COUNTY) - set(part.county)
        if missing:
            raise RuntimeError(MSG_MISSING_FIGURES % ", ".join(sorted(missing)))
        figures[month] = part
    return figures


def _point_rows(county, month, part: MonthFigures, now) -> list[PointMonthFigure]:
    keys = sorted(stored_keys(POINT))
    rows = []
    for point_id in sorted(set(part.point_names) | set(part.points)):
        name, village = part.point_names.get(point_id, (f"#{point_id}", ""))
        values = part.points.get(point_id, {})
        rows.extend(
            PointMonthFigure(
                county=county,
                point_id=point_id,
                point_name=name[:64],
                village=village[:64],
                month=month,
                key=key,
                value=values.get(key, 0),
                computed_at=now,
            )  # fmt: skip
            for key in keys
        )
    return rows


@transaction.atomic
def rollup_county_store(
    *, run_id: int | None, county: County, figures: dict[dt.date, MonthFigures]
) -> RollUpRun | None:
    """Replace the county's rows of these months with `figures` (so a rerun writes the same
    rows) and count the county as done in the run, if any."""
    now = timezone.now()
    months = list(figures)
    CountyMonthFigure.objects.filter(county=county, month__in=months).delete()
    PointMonthFigure.objects.filter(county=county, month__in=months).delete()
    county_keys = sorted(stored_keys(COUNTY))
    CountyMonthFigure.objects.bulk_create(
        CountyMonthFigure(
            county=county, month=month, key=key, value=part.county[key], computed_at=now
        )
        for month, part in figures.items()
        for key in county_keys
    )
    PointMonthFigure.objects.bulk_create(
        row for month, part in figures.items() for row in _point_rows(county, month, part, now)
    )
    if run_id is None:
        return None
    return _county_finished(run_id=run_id, failed=False, now=now)


@transaction.atomic
def rollup_county_fail(*, run_id: int, county: County, error: str) -> RollUpRun:
    """The county's part failed: its earlier rows stay as they were; the run is failed and
    says which county and why."""
    logger.error("roll-up run %s failed in %s: %s", run_id, county.schema_name, error)
    return _county_finished(
        run_id=run_id,
        failed=True,
        now=timezone.now(),
        error=str(MSG_COUNTY_FAILED % {"county": county.name, "error": error}),
    )


def _county_finished(*, run_id: int, failed: bool, now, error: str = "") -> RollUpRun:
    RollUpRun.objects.filter(pk=run_id).update(
        **({"counties_failed": F("counties_failed") + 1} if failed else {}),
        **({} if failed else {"counties_done": F("counties_done") + 1}),
    )
    run = RollUpRun.objects.select_for_update().get(pk=run_id)
    if failed:
        run.state = RollUpRun.State.FAILED
        run.error = f"{run.error}\n{error}".strip()
    if run.counties_done + run.counties_failed >= run.counties_total:
        run.finished_at = now
        if run.state != RollUpRun.State.FAILED:
            run.state = RollUpRun.State.DONE
    run.save(update_fields=["state", "error", "finished_at"])
    return run
