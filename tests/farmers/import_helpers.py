"""What the bulk-import tests share: the template's header, rows and files made from them, a
job run at once, its counts and row errors."""

import csv
import io

from openpyxl import Workbook

from farmers.imports import import_job_create, import_job_run
from farmers.models import ImportRowResult

IMPORT_URL = "/admin/farmers/import/"
HEADER = [
    "卖家手机号", "卖家名称", "所在村", "商品编号", "商品标题", "类目", "单位", "单价（元）",
    "库存", "采收开始", "采收结束", "认证类型", "证书编号", "批次号", "批次采收日期",
]  # fmt: skip


def row(mobile="13800138001", name="王大伯", village="大溪村", ref="", title="高山白菜",
        category="蔬菜", unit="斤", price="3.50", stock="200", start="", end="", cert="",
        number="", batch="", batch_date=""):  # fmt: skip
    return [mobile, name, village, ref, title, category, unit, price, stock, start, end, cert,
            number, batch, batch_date]  # fmt: skip


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_import(actor, content, file_name="产品.csv", listing_state="submitted", **run):
    job = import_job_create(
        actor=actor, file_name=file_name, content=content, listing_state=listing_state, queue=False
    )
    return import_job_run(job_id=job.pk, **run)


def errors_of(job) -> dict[int, list[str]]:
    return {
        result.row_number: result.messages
        for result in job.results.filter(outcome=ImportRowResult.Outcome.FAILED)
    }


def counts(job) -> tuple:
    return (job.state, job.rows_total, job.rows_done, job.created, job.updated, job.unchanged,
            job.failed, job.sellers_created)  # fmt: skip


GOOD_ROWS = [
    row(ref="DX-001", title="高山白菜"),
    row(ref="DX-002", title="安吉白茶", category="茶叶", price="128", stock="30",
        cert="绿色食品", number="LB-18-0001", batch="AJ-2025-01", batch_date="2025-04-02"),
    row(mobile="13900139002", name="李阿姨", village="", title="土鸡蛋", category="禽蛋",
        unit="个", price="1.2", stock="500"),
]  # fmt: skip
