"""The bank's file of pre-approved households imported by a county operator (授信额度 in the
county Wagtail admin): CSV or XLSX, every row checked first, all or nothing; residents are
registered by mobile; only operators, only their county."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import Workbook

from core.errors import ApplicationError
from county_sites.credit.imports import credit_lines_import
from county_sites.credit.models import CreditLine

URL = "/admin/credit/lines/"
HEADER = "手机号,姓名,授信编号,授信额度（元）,年利率（%）,可选期数,到期日\n"


def _csv(*rows) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode("utf-8-sig")


def _next_year() -> str:
    return f"{timezone.localdate() + dt.timedelta(days=365):%Y-%m-%d}"


def test_an_operator_imports_the_file_and_households_get_lines(operator_client, buyer):
    content = _csv(
        f'13700000001,张三,ZC-001,"50,000",4.35,"1,3,6",{_next_year()}',
        f"13700000077,陈大伯,ZC-002,20000.50,5,3,{_next_year()}",
    )

    response = operator_client.post(URL, {"file": SimpleUploadedFile("名单.csv", content)})

    assert response.status_code == 200
    assert "新增 2 户，更新 0 户" in response.content.decode()
    mine = CreditLine.objects.get(user=buyer)
    assert (mine.line_no, mine.limit_fen, mine.rate_bp, mine.term_choices, mine.source) == (
        "ZC-001", 5_000_000, 435, [1, 3, 6], "county_import",
    )  # fmt: skip
    assert mine.imported_by.username == "operator"
    new = get_user_model().objects.get(mobile="13700000077")
    assert new.first_name == "陈大伯"
    assert (new.credit_line.limit_fen, new.credit_line.term_choices) == (2_000_050, [3])


def test_the_same_file_again_updates_and_duplicates_nothing(county_operator, buyer):
    content = _csv(f"13700000001,张三,ZC-001,1000,4.35,,{_next_year()}")
    credit_lines_import(actor=county_operator, file_name="a.csv", content=content)

    result = credit_lines_import(actor=county_operator, file_name="a.csv", content=content)

    assert (result.created, result.updated, result.errors) == (0, 1, [])
    assert CreditLine.objects.count() == 1
    assert CreditLine.objects.get().term_choices == [1, 3, 6]  # the default


def test_an_xlsx_file_is_read_too(county_operator):
    book = Workbook()
    sheet = book.active
    sheet.append(["手机号", "授信编号", "授信额度（元）", "年利率（%）", "到期日"])
    sheet.append(
        ["13700000088", "ZC-009", 3000, 4.35, timezone.localdate() + dt.timedelta(days=30)]
    )
    buffer = io.BytesIO()
    book.save(buffer)

    result = credit_lines_import(
        actor=county_operator, file_name="名单.xlsx", content=buffer.getvalue()
    )

    assert (result.created, result.errors) == (1, [])
    assert CreditLine.objects.get(line_no="ZC-009").limit_fen == 300_000


def test_one_bad_row_and_nothing_is_imported(operator_client):
    content = _csv(
        f"13700000001,张三,ZC-001,1000,4.35,,{_next_year()}",
        "12345,李四,ZC-002,-5,4.355,12,2020-01-01",
        f"13700000001,王五,ZC-003,1000,4,,{_next_year()}",
    )
    users = get_user_model().objects.count()

    response = operator_client.post(URL, {"file": SimpleUploadedFile("名单.csv", content)})

    assert response.status_code == 400
    html = response.content.decode()
    assert "没有导入任何一行" in html
    for message in (
        "第 3 行：手机号不是11位中国大陆手机号码。",
        "第 3 行：额度应为大于 0 的金额（元，最多两位小数）。",
        "第 3 行：可选期数只能是 1、3、6 中的一个或几个，如 1,3,6。",
        "第 3 行：到期日应为日期，如 2027-12-31，且不早于今天。",
        "第 4 行：手机号或授信编号与第 2 行重复。",
    ):
        assert message in html
    assert CreditLine.objects.count() == 0
    assert get_user_model().objects.count() == users


def test_a_file_without_the_required_columns_is_refused_whole(county_operator):
    with pytest.raises(ApplicationError) as refusal:
        credit_lines_import(actor=county_operator, file_name="a.csv", content=b"mobile\n1\n")
    assert "缺少必填列" in str(refusal.value.message)


def test_only_operators_import(county_client, buyer, clerk, seller):
    content = _csv(f"13700000001,张三,ZC-001,1000,4.35,,{_next_year()}")
    for user in (buyer, clerk.user, seller.user):
        county_client.force_login(user)
        response = county_client.post(URL, {"file": SimpleUploadedFile("a.csv", content)})
        assert response.status_code in (302, 403)
        with pytest.raises(ApplicationError):
            credit_lines_import(actor=user, file_name="a.csv", content=content)
    assert CreditLine.objects.count() == 0


def test_lines_imported_here_are_not_in_the_other_county(county_operator, other_county, buyer):
    credit_lines_import(
        actor=county_operator, file_name="a.csv",
        content=_csv(f"13700000001,张三,ZC-001,1000,4.35,,{_next_year()}"),
    )  # fmt: skip

    with tenant_context(other_county):
        assert CreditLine.objects.count() == 0
        assert not get_user_model().objects.filter(mobile="13700000001").exists()
