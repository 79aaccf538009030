"""Charts as inline SVG drawn on the server: no script, a few hundred bytes each, readable
on a cheap phone (the province dashboard, hub.admin.rollups). Bars scale to the largest value;
every bar carries its figure as text, so the chart never stands without its number."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
LABEL_WIDTH = 96
VALUE_WIDTH = 84
BAR_HEIGHT = 18
GAP = 6
COLOUR = "#417690"  # the admin's own blue
NEGATIVE = "#ba2121"


def _scale(values: list[int]) -> int:
    return max([abs(value) for value in values] + [1])


def bars_svg(items: list[tuple[str, int, str]], *, title: str) -> SafeString:
    """Horizontal bars: [(label, value, value as people read it)], top to bottom."""
    if not items:
        return mark_safe("")
    largest = _scale([value for _label, value, _text in items])
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="rollup-chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%"'
        f' style="max-width:{WIDTH * 2}px" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for index, (label, value, text) in enumerate(items):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(room * abs(value) / largest)
        colour = NEGATIVE if value < 0 else COLOUR
        middle = y + BAR_HEIGHT * 0.72
        parts.append(
            f'<text x="{LABEL_WIDTH - 4}" y="{middle:.1f}" font-size="12" text-anchor="end">'
            f"{escape(label[:10])}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}"'
            f' fill="{colour}"></rect>'
            f'<text x="{LABEL_WIDTH + length + 4}" y="{middle:.1f}" font-size="12">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)


def columns_svg(items: list[tuple[str, int, str]], *, title: str) -> SafeString:
    """Vertical columns, left to right (a monthly trend): [(label, value, value text)]."""
    if not items:
        return mark_safe("")
    largest = _scale([value for _label, value, _text in items])
    chart_height, top, bottom = 120, 16, 20
    step = WIDTH / len(items)
    width = max(4, step * 0.7)
    parts = [
        f'<svg class="rollup-chart" role="img" viewBox="0 0 {WIDTH} {chart_height + top + bottom}"'
        f' width="100%" style="max-width:{WIDTH * 2}px" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for index, (label, value, text) in enumerate(items):
        x = index * step + (step - width) / 2
        length = round(chart_height * max(value, 0) / largest)
        y = top + chart_height - length
        centre = x + width / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{length}" fill="{COLOUR}">'
            f"<title>{escape(label)}: {escape(text)}</title></rect>"
            f'<text x="{centre:.1f}" y="{y - 3}" font-size="9" text-anchor="middle">'
            f"{escape(text)}</text>"
            f'<text x="{centre:.1f}" y="{top + chart_height + 14}" font-size="10"'
            f' text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)
