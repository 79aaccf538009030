"""The province's monthly figures: what each one counts, written down once (issue 10, point 6).

"Anji's order count moved from 10 to 6 between refreshes": the old summary counted orders
"not cancelled" at the moment of the refresh, so a month's figure fell whenever an old order
was cancelled. Every figure here is fixed by an event inside the month (the order's placing,
the cancellation, the ledger entry's time, the registration), so a closed month never moves
again, whatever happens to its orders later: a cancellation is counted in the month it
happened, as a figure of its own.

Months are calendar months in the county's local time (settings.TIME_ZONE, Asia/Shanghai):
an order placed at 23:30 on 31 January local time is January's.

Each county app counts its own figures (core.county_apps.county_month_figures_register); this
module only names and explains them, for the dashboard, the exports and the tests.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.money import yuan_sign

COUNT = "count"
FEN = "fen"
BASIS_POINTS = "bp"

COUNTY = "county"
POINT = "point"

# How months add up to a longer period: flows are summed; a stock (what exists at the end of
# the month) is its value at the period's last month; a distinct count of one month (active
# buyers) cannot be summed without counting a buyer twice, so a longer period shows the mean
# per month.
SUM = "sum"
LAST = "last"
MEAN = "mean"


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    definition: Promise
    unit: str = COUNT
    levels: tuple[str, ...] = (COUNTY,)
    aggregate: str = SUM
    # A ratio computed from two stored figures (numerator, denominator), in basis points.
    ratio_of: tuple[str, str] | None = None

    @property
    def is_stored(self) -> bool:
        return self.ratio_of is None


FIGURES: tuple[Figure, ...] = (
    # accounts
    Figure(
        "users_total",
        _("注册用户"),
        _("月末时本县的全部账户数（注册时间早于下月1日零时），含买家、卖家、店员和运营人员。"),
        aggregate=LAST,
    ),
    Figure("users_new", _("新注册用户"), _("注册时间在本月内的账户数。")),
    # orders
    Figure(
        "orders_placed",
        _("订单数"),
        _("下单时间在本月内的订单数，不论之后是否取消或退款：已过去的月份不再变动。"),
        levels=(COUNTY, POINT),
    ),
    Figure(
        "orders_cancelled",
        _("取消订单"),
        _("取消时间在本月内的订单数（按取消的月份计，不论何时下单）。"),
    ),
    Figure(
        "orders_clerk_entered",
        _("代下单订单"),
        _("下单时间在本月内、由服务点店员代村民下单的订单数。"),
        levels=(COUNTY, POINT),
    ),
    Figure(
        "clerk_share_bp",
        _("代下单占比"),
        _("代下单订单 ÷ 订单数（同一期间）。"),
        unit=BASIS_POINTS,
        levels=(COUNTY, POINT),
        ratio_of=("orders_clerk_entered", "orders_placed"),
    ),
    Figure(
        "active_buyers",
        _("活跃买家"),
        _("本月至少下过一单的不同买家数（含之后取消的订单）；多个月的期间显示月均值。"),
        aggregate=MEAN,
    ),
    Figure(
        "active_sellers",
        _("活跃网店"),
        _("本月下单的订单中至少有一件商品的不同卖家数；多个月的期间显示月均值。"),
        aggregate=MEAN,
    ),
    Figure(
        "active_sellers_farmer",
        _("活跃卖家：农户"),
        _("活跃网店中类型为农户的卖家数。"),
        aggregate=MEAN,
    ),
    Figure(
        "active_sellers_cooperative",
        _("活跃卖家：合作社"),
        _("活跃网店中类型为合作社的卖家数。"),
        aggregate=MEAN,
    ),
    Figure(
        "active_sellers_merchant",
        _("活跃卖家：商户"),
        _("活跃网店中类型为商户的卖家数。"),
        aggregate=MEAN,
    ),
    Figure(
        "handovers",
        _("交付次数"),
        _("本月在服务点把包裹交给取货人的次数（一次交付可含一单的部分商品）。"),
        levels=(COUNTY, POINT),
    ),
    Figure(
        "active_points",
        _("活跃服务点"),
        _("本月有自提订单下单或有交付的服务点数。"),
    ),
    # farmers
    Figure(
        "sellers_total",
        _("卖家"),
        _("月末时登记的卖家数（农户、合作社、商户）。"),
        aggregate=LAST,
    ),
    Figure("sellers_farmer", _("卖家：农户"), _("月末时登记的农户卖家数。"), aggregate=LAST),
    Figure(
        "sellers_cooperative",
        _("卖家：合作社"),
        _("月末时登记的合作社卖家数。"),
        aggregate=LAST,
    ),
    Figure("sellers_merchant", _("卖家：商户"), _("月末时登记的商户卖家数。"), aggregate=LAST),
    # service points
    Figure(
        "points_total",
        _("服务点"),
        _("月末时已开设的服务点数（含暂停营业的）。"),
        aggregate=LAST,
    ),
    Figure(
        "villages_with_point",
        _("有服务站点的行政村"),
        _("月末时已开设的服务点所在的不同村数。"),
        aggregate=LAST,
    ),
    # ledger: money, by the time of the ledger entry (DESIGN.md section 4)
    Figure(
        "sales_fen",
        _("销售额"),
        _("本月收到买家的钱：在线支付和服务点现金收款的账目合计（含配送费，未扣退款）。"),
        unit=FEN,
    ),
    Figure("refunds_count", _("退款笔数"), _("本月退给买家的退款账目笔数。")),
    Figure("refunds_fen", _("退款金额"), _("本月退给买家的退款账目合计。"), unit=FEN),
    Figure(
        "net_sales_fen",
        _("网络零售额"),
        _("销售额减退款金额（同一月份）。"),
        unit=FEN,
    ),
    Figure(
        "produce_sales_fen",
        _("农产品网络零售额"),
        _(
            "本月账目中农产品（日用百货以外类目的商品）的卖家应得与平台佣金之和，"
            "退款冲回后的净额；不含配送费。"
        ),
        unit=FEN,
    ),
    Figure(
        "commission_fen",
        _("平台佣金"),
        _("本月县平台的佣金账目净额（含配送费，退款冲回后）。"),
        unit=FEN,
    ),
    Figure(
        "seller_income_fen",
        _("卖家销售收入"),
        _("本月应付卖家的账目净额（扣佣金、退款冲回后），所有类型的卖家。"),
        unit=FEN,
    ),
    Figure(
        "farmer_income_fen",
        _("带动农户销售收入"),
        _("本月应付农户和合作社卖家的账目净额（扣佣金、退款冲回后）。"),
        unit=FEN,
    ),
    Figure(
        "cash_collected_fen",
        _("现金收款"),
        _("本月服务点收取的现金（现金收款账目合计）。"),
        unit=FEN,
        levels=(COUNTY, POINT),
    ),
    Figure(
        "point_commission_fen",
        _("服务点佣金"),
        _("本月服务点佣金账目净额：交付时计提，退款时扣回。"),
        unit=FEN,
        levels=(COUNTY, POINT),
    ),
    Figure(
        "till_difference_fen",
        _("现金差额"),
        _("本月现金日结的差额合计（实点减应有，长款为正、短款为负）。"),
        unit=FEN,
        levels=(COUNTY, POINT),
    ),
    Figure(
        "till_closes_off",
        _("有差额的日结"),
        _("本月现金日结中实点与应有不一致的次数。"),
        levels=(COUNTY, POINT),
    ),
)

FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}


def figures_of(level: str) -> list[Figure]:
    return [figure for figure in FIGURES if level in figure.levels]


def stored_keys(level: str) -> set[str]:
    """The keys the county apps must report at `level` (ratios are computed from them)."""
    return {figure.key for figure in figures_of(level) if figure.is_stored}


# ------------------------------------------------------------------------------
# Months in local time
# ------------------------------------------------------------------------------
def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_next(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_previous(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_of(moment: dt.datetime) -> dt.date:
    """The month (its first day) a moment falls in, in local time."""
    return month_first(moment.astimezone(local_zone()).date())


def month_current(now: dt.datetime | None = None) -> dt.date:
    return month_of(now or timezone.now())


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[local midnight of the 1st, local midnight of the next month's 1st)."""
    zone = local_zone()
    start = dt.datetime.combine(month_first(month), dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(month_next(month), dt.time.min, tzinfo=zone)
    return start, end


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from `first` to `last`, both included."""
    months, month = [], month_first(first)
    while month <= last:
        months.append(month)
        month = month_next(month)
    return months


def ratio_bp(numerator: int, denominator: int) -> int | None:
    """numerator / denominator in basis points, rounded down; None when nothing to divide."""
    if not denominator:
        return None
    return numerator * 10_000 // denominator


# ------------------------------------------------------------------------------
# Figures as people read them: yuan, percent, counts
# ------------------------------------------------------------------------------
def figure_text(figure: Figure, value: int | None) -> str:
    if value is None:
        return "—"
    if figure.unit == FEN:
        return yuan_sign(value)
    if figure.unit == BASIS_POINTS:
        return f"{value // 100}.{value % 100:02d}%"
    return str(value)


def figure_short_text(figure: Figure, value: int | None) -> str:
    """For a chart's narrow column: yuan rounded down to whole yuan, in 万 from ten thousand
    yuan ("5.47万"); counts and ratios as figure_text."""
    if value is None:
        return ""
    if figure.unit != FEN:
        return figure_text(figure, value)
    whole = abs(value) // 100
    sign = "-" if value < 0 and whole else ""
    if whole >= 10_000:
        return f"{sign}{whole // 10_000}.{whole % 10_000 // 100:02d}万"
    return f"{sign}¥{whole}"


def figure_delta_text(figure: Figure, now: int | None, before: int | None) -> str:
    """now - before, signed ("+¥12.00", "-3", "+1.50%"); "—" when either is missing."""
    if now is None or before is None:
        return "—"
    delta = now - before
    text = figure_text(figure, abs(delta))
    return f"+{text}" if delta > 0 else (f"-{text}" if delta < 0 else text)


def figure_number(figure: Figure, value: int | None):
    """For a spreadsheet: yuan and percent as exact Decimals, counts as ints, None empty."""
    if value is None:
        return ""
    if figure.unit in (FEN, BASIS_POINTS):
        return (Decimal(value) / 100).quantize(Decimal("0.01"))
    return value


def figure_heading(figure: Figure) -> str:
    unit = {FEN: _("（元）"), BASIS_POINTS: _("（%）")}.get(figure.unit, "")
    return f"{figure.label}{unit}"
