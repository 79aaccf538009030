"""The import templates to download: the header row as CSV, or as XLSX with a help sheet."""

import csv
import io

from django.utils.translation import gettext_lazy as _

from farmers.imports.columns import COLUMNS
from farmers.models import Seller
from hub.models import Category
from hub.vocabulary import active_certification_choices, active_unit_choices


def template_csv() -> bytes:
    """The header row as CSV, with a UTF-8 BOM so Excel opens the Chinese headers correctly."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([column.header for column in COLUMNS])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    """The header row on sheet 1 (商品), and the help on sheet 2 (填写说明): each column, and
    the units, categories and certification kinds it accepts."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "商品"
    sheet.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        sheet.cell(row=1, column=index).font = Font(bold=column.required)
        if column.text:
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet("填写说明")
    help_sheet.append([str(_("列名")), str(_("必填")), str(_("说明")), str(_("示例"))])
    for column in COLUMNS:
        help_sheet.append(
            [column.header, str(_("是")) if column.required else "", str(column.help),
             column.example]
        )  # fmt: skip
    help_sheet.append([])
    for label, values in (
        (_("单位"), [label for _code, label in active_unit_choices()]),
        (_("卖家类型"), Seller.Kind.labels),
        (_("认证类型"), [label for _code, label in active_certification_choices()]),
        (_("类目"), [str(category) for category in Category.objects.filter(is_active=True)
                     .select_related("parent")]),
    ):  # fmt: skip
        help_sheet.append([str(label), "", "、".join(str(value) for value in values)])
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["C"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
