"""The upload form of the county admin's 导入预授信名单 page; the file is checked by
county_sites.credit.imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

MSG_CHOOSE_FILE = _("请选择要导入的文件。")


class CreditImportForm(forms.Form):
    file = forms.FileField(
        label=_("银行的预授信名单（CSV 或 XLSX）"), error_messages={"required": MSG_CHOOSE_FILE}
    )
