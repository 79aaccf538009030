"""Bulk import jobs: the 批量导入 admin pages, the farmers_import_run task, progress,
`manage.py import_listings`, who may import, and county isolation."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import tenant_context

from core.county_tasks import WrongSchemaError
from core.errors import ApplicationError
from farmers.imports import MSG_PRICE_NOT_NUMBER, import_job_create, import_job_run
from farmers.models import ImportJob, ImportRowResult, Listing, Seller
from farmers.services import MSG_OPERATOR_ONLY
from farmers.tasks import farmers_import_run
from tests.farmers.import_helpers import GOOD_ROWS, IMPORT_URL, counts, csv_bytes, row, run_import
from tests.fixtures.counties import OPERATOR_PASSWORD
from tests.fixtures.farmers import farmers_snapshot

# Row messages are compared in Chinese (conftest.in_chinese).
pytestmark = pytest.mark.usefixtures("in_chinese")


# ------------------------------------------------------------------------------
# The admin pages, the task and progress
# ------------------------------------------------------------------------------
def test_an_upload_queues_the_task_and_the_page_shows_the_result(
    operator_client, run_tasks_now, django_capture_on_commit_callbacks
):
    upload = io.BytesIO(csv_bytes([*GOOD_ROWS, row(title="坏行", price="abc")]))
    upload.name = "大溪村.csv"

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(IMPORT_URL, {"file": upload, "listing_state": "submitted"})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{IMPORT_URL}{job.pk}/"
    assert run_tasks_now == [
        {"args": (job.pk, "county_anji"), "headers": {"_schema_name": "county_anji"}}
    ]
    job.refresh_from_db()
    assert counts(job) == ("done", 4, 4, 3, 0, 0, 1, 2)
    html = operator_client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert html.count('class="import-row-error"') == 1
    assert "第 5 行" in html and MSG_PRICE_NOT_NUMBER % {"value": "abc"} in html
    assert "大溪村.csv" in operator_client.get(IMPORT_URL).content.decode()
    assert "/admin/farmers/import/" in operator_client.get("/admin/").content.decode()  # menu


def test_the_page_of_a_running_import_refreshes_itself(operator_client, operator):
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )
    ImportJob.objects.filter(pk=job.pk).update(state="running", rows_done=2)

    html = operator_client.get(f"{IMPORT_URL}{job.pk}/").content.decode()

    assert '<meta http-equiv="refresh" content="2">' in html
    assert "已处理 2 / 3 行" in html
    assert 'value="66"' in html


def test_progress_is_saved_every_few_rows(operator):
    rows = [row(title=f"白菜{n}", price="abc" if n % 10 == 0 else "3") for n in range(45)]
    seen = []

    job = run_import(
        operator,
        csv_bytes(rows),
        progress_every=20,
        on_progress=lambda job: seen.append((job.rows_done, job.created, job.failed)),
    )

    assert seen == [(20, 18, 2), (40, 36, 4), (45, 40, 5)]
    saved = ImportJob.objects.get(pk=job.pk)
    assert counts(saved) == ("done", 45, 45, 40, 0, 0, 5, 1)


def test_the_task_runs_a_job_once(operator):
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )
    headers = {"_schema_name": "county_anji"}

    first = farmers_import_run.apply(args=(job.pk, "county_anji"), headers=headers).get()
    snapshot = farmers_snapshot()
    second = farmers_import_run.apply(args=(job.pk, "county_anji"), headers=headers).get()

    expected = {"state": "done", "rows_done": 3, "created": 3, "updated": 0, "unchanged": 0,
                "failed": 0}  # fmt: skip
    assert first == second == expected
    assert farmers_snapshot() == snapshot
    assert ImportRowResult.objects.filter(job=job).count() == 3


def test_an_interrupted_job_goes_on_where_it_stopped(operator):
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )
    ImportJob.objects.filter(pk=job.pk).update(state="running")
    ImportRowResult.objects.create(job=job, row_number=2, outcome="failed", messages=["x"])

    job = import_job_run(job_id=job.pk)

    assert counts(job) == ("done", 3, 3, 2, 0, 0, 1, 2)
    assert sorted(Listing.objects.values_list("title", flat=True)) == ["土鸡蛋", "安吉白茶"]


def test_the_task_in_the_wrong_county_refuses_and_imports_nothing(
    county, other_county, db, operator
):
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )

    with tenant_context(other_county):
        result = farmers_import_run.apply(
            args=(job.pk, "county_anji"), headers={"_schema_name": "county_chunan"}
        )
        assert not Listing.objects.exists()
    connection.set_tenant(county)

    with pytest.raises(WrongSchemaError):
        result.get()
    job.refresh_from_db()
    assert (job.state, job.rows_done) == ("queued", 0)
    assert not Listing.objects.exists()


def test_the_command_imports_printing_progress_and_a_summary(operator, tmp_path):
    rows = [row(title=f"白菜{n}", price="abc" if n == 3 else "3") for n in range(120)]
    path = tmp_path / "大溪村.csv"
    path.write_bytes(csv_bytes(rows))
    out = io.StringIO()

    call_command("import_listings", str(path), "--county", "anji", stdout=out)

    job = ImportJob.objects.get()
    assert out.getvalue().splitlines() == [
        f"Import #{job.pk}: 120 rows from 大溪村.csv",
        "50/120 rows",
        "100/120 rows",
        "120/120 rows",
        "Done: 119 created, 0 updated, 0 unchanged, 1 failed; 1 new sellers.",
        f"Row 5: {MSG_PRICE_NOT_NUMBER % {'value': 'abc'}}",
    ]
    assert Listing.objects.count() == 119
    assert connection.schema_name == "county_anji"


# ------------------------------------------------------------------------------
# Who may import, and county isolation
# ------------------------------------------------------------------------------
def test_only_a_county_operator_may_import(seller):
    with pytest.raises(ApplicationError) as refused:
        import_job_create(
            actor=seller.user, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
        )

    assert refused.value.message == MSG_OPERATOR_ONLY
    assert not ImportJob.objects.exists()


def test_a_seller_is_sent_to_the_admin_login(county_client, seller):
    county_client.force_login(seller.user)

    response = county_client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_admin_user_who_is_not_an_operator_is_turned_away(county_client, in_county, operator):
    editor = get_user_model().objects.create_user(username="editor", password="editor-pass-123")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )
    county_client.force_login(editor)
    upload = io.BytesIO(csv_bytes(GOOD_ROWS))
    upload.name = "产品.csv"

    responses = [
        county_client.get(IMPORT_URL),
        county_client.get(f"{IMPORT_URL}{job.pk}/"),
        county_client.get(f"{IMPORT_URL}template.csv"),
        county_client.post(IMPORT_URL, {"file": upload}),
    ]

    # Wagtail's admin answers a PermissionDenied with its dashboard and "no permission".
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, "/admin/")] * 4
    assert ImportJob.objects.count() == 1
    assert "/admin/farmers/import/" not in county_client.get("/admin/").content.decode()


def test_an_import_stays_in_its_county(county, other_county, db, other_county_client):
    with tenant_context(county):
        operator = get_user_model().objects.get(username="operator")
        job = run_import(operator, csv_bytes(GOOD_ROWS), file_name="安吉的文件.csv")
        assert job.created == 3

    with tenant_context(other_county):
        assert (Seller.objects.count(), Listing.objects.count(), ImportJob.objects.count()) == (
            0, 0, 0
        )  # fmt: skip
        other_county_client.post(
            "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}
        )
        page = other_county_client.get(IMPORT_URL)
        detail = other_county_client.get(f"{IMPORT_URL}{job.pk}/")
    connection.set_schema_to_public()

    assert page.status_code == 200
    assert "安吉的文件.csv" not in page.content.decode()
    assert "批量导入" in page.content.decode()
    assert detail.status_code == 404
