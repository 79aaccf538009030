"""The upload form of the county admin's 批量导入 page; the file is checked and kept by
farmers.imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from farmers.imports import MAX_FILE_BYTES, MAX_ROWS
from farmers.models import Listing

MSG_CHOOSE_FILE = _("请选择要导入的文件。")
MSG_FILE_HELP = _("CSV 或 XLSX，第1行是列名，最多 %(rows)s 行、%(mb)s MB。")


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("文件"), error_messages={"required": MSG_CHOOSE_FILE})
    listing_state = forms.ChoiceField(
        label=_("新商品"),
        choices=[
            (Listing.State.SUBMITTED, _("直接提交审核")),
            (Listing.State.DRAFT, _("保存为草稿")),
        ],
        initial=Listing.State.SUBMITTED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the language of the request: formatting the lazy text when the
        # module is imported would freeze it in the language active then (Chinese).
        self.fields["file"].help_text = MSG_FILE_HELP % {
            "rows": MAX_ROWS,
            "mb": MAX_FILE_BYTES // (1024 * 1024),
        }
