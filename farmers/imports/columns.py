"""The import file's format (docs/import-format.md): its limits, its messages and its one
column list, used by the parser, the templates and the help sheet."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# ------------------------------------------------------------------------------
# Limits
# ------------------------------------------------------------------------------
# A village's whole produce list is a few hundred rows; 5,000 rows take a worker about a
# minute, and a bigger file is more likely a wrong export than a real list.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX is a zip: refuse one that unpacks to more than this (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 60 * 1024 * 1024
# Save progress (and let the admin page move) every this many rows.
PROGRESS_EVERY = 20
MAX_PRICE_FEN = 100_000_000  # 1,000,000 yuan: more is a typo (a price in fen, or a phone)
MAX_EXTERNAL_REF_LENGTH = 64

# ------------------------------------------------------------------------------
# Messages (module constants so tests assert on them)
# ------------------------------------------------------------------------------
MSG_FILE_TYPE = _("只能导入 CSV 或 XLSX 文件。")
MSG_FILE_XLS = _("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 后再导入。")
MSG_FILE_TOO_BIG = _("文件不能超过 %(mb)s MB。")
MSG_FILE_EMPTY = _("文件里没有数据行：第1行是列名，数据从第2行开始。")
MSG_FILE_TOO_MANY_ROWS = _("一次最多导入 %(max)s 行，请把文件分成几个再导入。")
MSG_FILE_ENCODING = _("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GB18030（GBK）编码。")
MSG_FILE_UNREADABLE = _("无法读取这个 XLSX 文件，它可能已损坏。")
MSG_FILE_HEADERS_MISSING = _("缺少必填列：%(columns)s。第1行应是列名，请使用下载的模板。")
MSG_FILE_HEADERS_DUPLICATE = _("列名重复：%(columns)s。")
MSG_LISTING_STATE = _("新商品只能保存为草稿或提交审核。")

MSG_REQUIRED = _("请填写“%(column)s”。")
MSG_NEW_SELLER_NAME = _("手机号 %(mobile)s 还不是卖家：登记新卖家请填写“卖家名称”。")
MSG_MOBILE = _("“卖家手机号”应为11位中国大陆手机号码：%(value)s")
MSG_CHOICE = _("“%(column)s”不能是“%(value)s”，可填：%(choices)s。")
MSG_CATEGORY_UNKNOWN = _("没有“%(value)s”这个类目。")
MSG_CATEGORY_AMBIGUOUS = _("有几个类目都叫“%(value)s”，请写成“上级类目 > 类目”。")
MSG_PRICE_NOT_NUMBER = _("“单价（元）”应是数字，如 12.50：%(value)s")
MSG_PRICE_DECIMALS = _("单价最多两位小数（精确到分）：%(value)s")
MSG_PRICE_TOO_HIGH = _("单价不能超过 %(max)s 元：%(value)s")
MSG_INTEGER = _("“%(column)s”应是整数：%(value)s")
MSG_MIN_ORDER = _("起订量至少为1。")
MSG_DATE = _("“%(column)s”应是日期，如 2025-04-02：%(value)s")
MSG_TOO_LONG = _("“%(column)s”最多 %(max)s 个字。")
MSG_CERTIFICATE_WITHOUT_KIND = _("填写了证书信息，请同时填写“认证类型”。")
MSG_BATCH_WITHOUT_CODE = _("填写了批次信息，请同时填写“批次号”。")
MSG_BATCH_DATE_REQUIRED = _("填写了批次号，请同时填写“批次采收日期”。")
MSG_DUPLICATE_ROW = _("与第 %(row)s 行是同一个商品（卖家手机号和%(key)s都相同）。")
MSG_TITLE_AMBIGUOUS = _("这个卖家有 %(count)s 个叫“%(title)s”的商品，请填写“商品编号”区分。")
MSG_CONFLICT = _("另一个导入正在修改同一个卖家或商品，请稍后重新导入这个文件。")


# ------------------------------------------------------------------------------
# The format: one column list, used by the parser, the templates and the help sheet
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    key: str
    # The header text in the file. Part of the file format, not UI text: the same in every
    # admin language (the English `key` is accepted as a header too).
    header: str
    required: bool
    help: str
    example: str = ""
    # Kept as text in the XLSX template so Excel does not turn 13800138000 into 1.38E+10.
    text: bool = False
    # Seller columns, listing columns, certification and traceability batch columns.
    group: str = "listing"


COLUMNS: tuple[Column, ...] = (
    Column("seller_mobile", "卖家手机号", True, _("11位手机号码，用来识别卖家：还没登记的号码会登记为新卖家。"), "13800138000", text=True, group="seller"),  # noqa: E501
    Column("seller_name", "卖家名称", True, _("新卖家必填；已登记的卖家不会被改名。"), "王大伯", group="seller"),  # noqa: E501
    Column("seller_kind", "卖家类型", False, _("农户、合作社或商户，不填为农户。"), "农户", group="seller"),  # noqa: E501
    Column("seller_village", "所在村", False, _("卖家所在的村；已登记的卖家只在原来为空时补填。"), "大溪村", group="seller"),  # noqa: E501
    Column("external_ref", "商品编号", False, _("您自己给商品的编号（选填）。填了编号，以后修改标题也能找到原商品；不填则按卖家手机号+标题识别。"), "DX-001", text=True),  # noqa: E501
    Column("title", "商品标题", True, _("买家看到的商品名称，最多80个字。"), "高山白菜"),
    Column("category", "类目", True, _("省级类目名称，如“蔬菜”；子类目写成“蔬菜 > 叶菜”。"), "蔬菜"),  # noqa: E501
    Column("unit", "单位", True, _("计价单位，如斤、公斤、箱。"), "斤"),
    Column("price", "单价（元）", True, _("以元为单位，最多两位小数，如 3.50。"), "3.50", text=True),  # noqa: E501
    Column("stock", "库存", True, _("整数，不小于0；提交审核的商品须大于0。"), "200"),
    Column("min_order_qty", "起订量", False, _("整数，至少为1，不填为1。"), "1"),
    Column("harvest_start", "采收开始", False, _("日期，如 2025-04-02。"), "2025-04-02", text=True),  # noqa: E501
    Column("harvest_end", "采收结束", False, _("日期，不能早于采收开始。"), "2025-05-15", text=True),  # noqa: E501
    Column("origin_village", "产地村", False, _("不填则为卖家所在村。"), "大溪村"),
    Column("description", "描述", False, _("商品介绍。"), "山上种的白菜，没打农药。"),
    Column("certification", "认证类型", False, _("绿色食品、有机产品或农产品地理标志；每行一个。"), "", group="certification"),  # noqa: E501
    Column("certificate_number", "证书编号", False, _("填写认证类型时必填。"), "", text=True, group="certification"),  # noqa: E501
    Column("certificate_issuer", "发证机构", False, _("选填。"), "", group="certification"),
    Column("certificate_valid_until", "证书有效期至", False, _("日期，选填。"), "", text=True, group="certification"),  # noqa: E501
    Column("batch_code", "批次号", False, _("溯源批次号（本县唯一），选填。"), "", text=True, group="batch"),  # noqa: E501
    Column("batch_harvest_date", "批次采收日期", False, _("填写批次号时必填。"), "", text=True, group="batch"),  # noqa: E501
    Column("batch_plot", "地块", False, _("选填。"), "", group="batch"),
    Column("batch_inputs_note", "投入品说明", False, _("施肥、用药等情况，选填。"), "", group="batch"),  # noqa: E501
)  # fmt: skip
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_COLUMNS = tuple(column for column in COLUMNS if column.required)
# The columns that make a row a listing row: all of them empty makes it a seller-only row.
LISTING_KEYS = tuple(column.key for column in COLUMNS if column.group != "seller")


def header_normal(text: str) -> str:
    text = re.sub(r"\s+", "", str(text or "")).rstrip("*＊")
    return text.replace("(", "（").replace(")", "）").lower()


HEADER_LOOKUP = {
    **{header_normal(column.header): column.key for column in COLUMNS},
    **{header_normal(column.key): column.key for column in COLUMNS},
}
