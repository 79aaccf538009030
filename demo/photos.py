"""Product pictures for the demo listings, drawn in memory with Pillow.

Each picture is a 1200x900 JPEG of 50-150 KB: a soft gradient in the category's colours, a
simple drawing of the kind of product (tea leaves, bamboo shoots, fish, eggs, fruit, a bottle,
a parcel) and the product's name in large Chinese type. They are uploaded through
farmers.services like a seller's phone photo, so the real photo pipeline (validation,
normalisation, WebP renditions) runs on them.

The name is drawn with Noto Sans CJK (Debian's fonts-noto-cjk) when it is installed; without a
CJK font the picture is the drawing alone. Nothing is ever downloaded.
"""

import hashlib
import io
import math
import random
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PHOTO_SIZE = (1200, 900)
JPEG_QUALITY = 88
# Grain over the gradient: a flat gradient compresses to ~20 KB, which no camera photo does;
# with it a picture weighs 60-120 KB and its renditions cost what a real photo's would.
GRAIN_SIGMA = 18

CJK_FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)
# Index of the Simplified Chinese face inside the Noto CJK collection (JP, KR, SC, TC, HK).
NOTO_CJK_SC_INDEX = 2

# Top and bottom colours of the background, per province category slug.
CATEGORY_COLOURS = {
    "tea": ((214, 236, 200), (96, 150, 84)),
    "vegetables": ((232, 244, 214), (120, 168, 88)),
    "fruit": ((255, 238, 204), (236, 150, 62)),
    "poultry-eggs": ((250, 240, 222), (196, 156, 108)),
    "aquatic": ((214, 236, 248), (58, 122, 170)),
    "grain-oil": ((252, 244, 214), (206, 168, 72)),
    "daily-goods": ((232, 234, 244), (120, 130, 170)),
}
DEFAULT_COLOURS = ((240, 240, 240), (150, 150, 150))

# The drawing for each category; a listing may ask for another one (DemoListing.shape).
CATEGORY_SHAPES = {
    "tea": "leaves",
    "vegetables": "greens",
    "fruit": "fruit",
    "poultry-eggs": "eggs",
    "aquatic": "fish",
    "grain-oil": "bottle",
    "daily-goods": "parcel",
}


@cache
def cjk_font_path() -> Path | None:
    for path in CJK_FONT_CANDIDATES:
        if path.is_file():
            return path
    return None


def _font(size: int) -> ImageFont.FreeTypeFont | None:
    path = cjk_font_path()
    if path is None:
        return None
    return ImageFont.truetype(str(path), size=size, index=NOTO_CJK_SC_INDEX)


def demo_photo_jpeg(*, label: str, category_slug: str, shape: str = "", caption: str = "") -> bytes:
    """A product picture for `label` (e.g. "安吉白茶") as JPEG bytes; the same arguments always
    give the same picture. `caption` is a smaller second line (e.g. the origin village)."""
    rng = random.Random(hashlib.sha256(f"{category_slug}:{label}".encode()).digest())  # noqa: S311
    top, bottom = CATEGORY_COLOURS.get(category_slug, DEFAULT_COLOURS)
    image = _gradient(PHOTO_SIZE, _tint(top, rng), _tint(bottom, rng))
    drawing = Image.new("RGBA", PHOTO_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(drawing)
    painter = SHAPE_PAINTERS.get(shape or CATEGORY_SHAPES.get(category_slug, ""), _paint_parcel)
    painter(draw, rng)
    # A soft drop shadow, blurred at quarter size (a full-size blur costs more than the rest).
    small = drawing.split()[3].reduce(4).filter(ImageFilter.GaussianBlur(4))
    shadow = small.resize(PHOTO_SIZE).point(lambda alpha: alpha // 4)
    image.paste((0, 0, 0), (14, 18), shadow)
    image.paste(drawing, (0, 0), drawing)
    _add_grain(image, rng)
    _draw_label(image, label=label, caption=caption)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


# ------------------------------------------------------------------------------
# Background
# ------------------------------------------------------------------------------
def _tint(colour: tuple[int, int, int], rng: random.Random) -> tuple[int, int, int]:
    """The colour shifted a little, so two listings of one category do not look identical."""
    return tuple(max(0, min(255, channel + rng.randint(-16, 16))) for channel in colour)


def _gradient(size, top, bottom) -> Image.Image:
    width, height = size
    column = Image.new("RGB", (1, height))
    for y in range(height):
        share = y / (height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize(size)


GRAIN_MARGIN = 64


@cache
def _grain_field() -> Image.Image:
    """One field of camera-like grain, made once (effect_noise is the slowest step)."""
    noise = Image.effect_noise(
        (PHOTO_SIZE[0] + GRAIN_MARGIN, PHOTO_SIZE[1] + GRAIN_MARGIN), GRAIN_SIGMA
    )
    return Image.merge("RGB", (noise, noise, noise))


def _add_grain(image: Image.Image, rng: random.Random) -> None:
    # A different crop of the shared field per picture, so no two photos share their bytes.
    x, y = rng.randint(0, GRAIN_MARGIN - 1), rng.randint(0, GRAIN_MARGIN - 1)
    grain = _grain_field().crop((x, y, x + PHOTO_SIZE[0], y + PHOTO_SIZE[1]))
    image.paste(Image.blend(image, grain, 0.08))


# ------------------------------------------------------------------------------
# Drawings: each paints in the upper two thirds, leaving the bottom for the name
# ------------------------------------------------------------------------------
def _leaf(draw, cx, cy, length, angle, fill):
    points = []
    for step in range(0, 361, 10):
        t = math.radians(step)
        x = length / 2 * math.cos(t)
        y = length / 5.5 * math.sin(t) * (1 - 0.35 * math.cos(t))
        points.append(
            (
                cx + x * math.cos(angle) - y * math.sin(angle),
                cy + x * math.sin(angle) + y * math.cos(angle),
            )
        )
    draw.polygon(points, fill=fill)
    draw.line(
        [
            (cx - length / 2 * math.cos(angle), cy - length / 2 * math.sin(angle)),
            (cx + length / 2 * math.cos(angle), cy + length / 2 * math.sin(angle)),
        ],
        fill=(255, 255, 255, 110),
        width=4,
    )


def _paint_leaves(draw, rng):
    for _i in range(7):
        green = (rng.randint(70, 130), rng.randint(150, 200), rng.randint(60, 100), 235)
        _leaf(
            draw,
            rng.randint(330, 870),
            rng.randint(170, 470),
            rng.randint(220, 330),
            rng.uniform(-math.pi, math.pi),
            green,
        )


def _paint_greens(draw, rng):
    for index in range(5):
        cx = 360 + index * 120 + rng.randint(-20, 20)
        for angle in (-1.9, -1.57, -1.2):
            _leaf(
                draw,
                cx,
                300,
                rng.randint(260, 340),
                angle + rng.uniform(-0.2, 0.2),
                (rng.randint(60, 110), rng.randint(150, 205), rng.randint(50, 90), 240),
            )
        draw.rectangle((cx - 14, 420, cx + 14, 520), fill=(236, 244, 226, 255))


def _paint_shoots(draw, rng):
    for index in range(3):
        cx = 420 + index * 180 + rng.randint(-20, 20)
        base, tip = 540, rng.randint(120, 180)
        draw.polygon([(cx - 85, base), (cx + 85, base), (cx, tip)], fill=(196, 160, 96, 245))
        for row in range(5):
            y = base - row * (base - tip) / 5
            half = 85 * (1 - row / 5)
            draw.line(
                [(cx - half, y), (cx + half * 0.6, y - 40)], fill=(140, 104, 52, 255), width=6
            )
        draw.ellipse((cx - 80, base - 20, cx + 80, base + 20), fill=(236, 224, 190, 255))


def _paint_fruit(draw, rng):
    for _i in range(6):
        r = rng.randint(90, 130)
        cx, cy = rng.randint(330, 870), rng.randint(220, 460)
        colour = (rng.randint(225, 250), rng.randint(120, 165), rng.randint(20, 60), 250)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
        draw.ellipse((cx - r / 2, cy - r / 2, cx - r / 6, cy - r / 6), fill=(255, 255, 255, 70))
        _leaf(draw, cx + r / 3, cy - r, 90, -0.6, (70, 150, 60, 255))


def _paint_nuts(draw, rng):
    for _i in range(14):
        r = rng.randint(42, 60)
        cx, cy = rng.randint(320, 880), rng.randint(170, 500)
        draw.ellipse((cx - r, cy - r * 0.9, cx + r, cy + r * 0.9), fill=(120, 84, 52, 250))
        draw.arc(
            (cx - r, cy - r * 0.9, cx + r, cy + r * 0.9), 200, 340, fill=(70, 46, 26, 255), width=5
        )


def _paint_eggs(draw, rng):
    for _i in range(6):
        cx, cy = rng.randint(330, 870), rng.randint(220, 470)
        colour = (rng.randint(230, 250), rng.randint(200, 225), rng.randint(160, 190), 255)
        draw.ellipse((cx - 80, cy - 105, cx + 80, cy + 105), fill=colour)
        draw.ellipse((cx - 45, cy - 70, cx - 15, cy - 20), fill=(255, 255, 255, 90))


def _paint_fish(draw, rng):
    for index in range(2):
        cx, cy = 600 + rng.randint(-60, 60), 230 + index * 200
        body = (rng.randint(120, 160), rng.randint(150, 180), rng.randint(170, 200), 250)
        draw.ellipse((cx - 260, cy - 90, cx + 200, cy + 90), fill=body)
        draw.polygon([(cx + 170, cy), (cx + 330, cy - 100), (cx + 330, cy + 100)], fill=body)
        draw.ellipse((cx - 200, cy - 30, cx - 160, cy + 10), fill=(255, 255, 255, 255))
        draw.ellipse((cx - 190, cy - 20, cx - 170, cy), fill=(20, 30, 40, 255))
        draw.arc((cx - 120, cy - 80, cx - 20, cy + 80), 300, 60, fill=(90, 110, 130, 255), width=5)


def _paint_bottle(draw, rng):
    gold = (rng.randint(210, 240), rng.randint(160, 190), rng.randint(40, 70), 235)
    draw.rounded_rectangle((500, 200, 700, 540), radius=40, fill=gold)
    draw.rectangle((560, 130, 640, 210), fill=gold)
    draw.rectangle((550, 100, 650, 135), fill=(200, 60, 50, 255))
    draw.rounded_rectangle((520, 300, 680, 440), radius=14, fill=(255, 250, 235, 255))


def _paint_grain(draw, rng):
    draw.rounded_rectangle((430, 180, 770, 540), radius=50, fill=(236, 222, 188, 250))
    draw.rectangle((470, 150, 730, 200), fill=(212, 194, 150, 255))
    for _i in range(60):
        x, y = rng.randint(470, 730), rng.randint(260, 500)
        draw.ellipse((x - 9, y - 5, x + 9, y + 5), fill=(250, 246, 232, 255))


def _paint_parcel(draw, rng):
    for index in range(3):
        x0 = 330 + index * 190 + rng.randint(-15, 15)
        y0 = 300 - (index % 2) * 90
        colour = (rng.randint(150, 230), rng.randint(150, 230), rng.randint(170, 240), 245)
        draw.rounded_rectangle((x0, y0, x0 + 220, y0 + 240), radius=18, fill=colour)
        draw.rectangle((x0 + 95, y0, x0 + 125, y0 + 240), fill=(255, 255, 255, 150))


def _paint_jar(draw, rng):
    draw.rounded_rectangle((460, 210, 740, 540), radius=60, fill=(232, 178, 60, 240))
    draw.rounded_rectangle((480, 160, 720, 220), radius=12, fill=(150, 100, 60, 255))
    draw.ellipse((520, 270, 600, 360), fill=(255, 255, 255, 80))


def _paint_flowers(draw, rng):
    for _i in range(16):
        cx, cy, r = rng.randint(320, 880), rng.randint(170, 500), rng.randint(28, 44)
        for petal in range(8):
            angle = petal * math.pi / 4
            px, py = cx + r * math.cos(angle), cy + r * math.sin(angle)
            draw.ellipse(
                (px - r / 2, py - r / 2, px + r / 2, py + r / 2), fill=(252, 246, 226, 240)
            )
        draw.ellipse((cx - r / 2, cy - r / 2, cx + r / 2, cy + r / 2), fill=(236, 190, 40, 255))


def _paint_bird(draw, rng):
    body = (rng.randint(170, 200), rng.randint(110, 140), rng.randint(60, 90), 250)
    draw.ellipse((400, 240, 760, 520), fill=body)
    draw.ellipse((680, 150, 820, 290), fill=body)
    draw.polygon([(815, 210), (880, 230), (815, 250)], fill=(240, 180, 40, 255))
    draw.polygon(
        [(720, 150), (740, 110), (760, 150), (780, 115), (790, 160)], fill=(210, 40, 40, 255)
    )
    draw.ellipse((755, 195, 775, 215), fill=(20, 20, 20, 255))
    draw.polygon([(420, 330), (300, 250), (330, 420)], fill=(110, 70, 40, 255))


SHAPE_PAINTERS = {
    "leaves": _paint_leaves,
    "greens": _paint_greens,
    "shoots": _paint_shoots,
    "fruit": _paint_fruit,
    "nuts": _paint_nuts,
    "eggs": _paint_eggs,
    "fish": _paint_fish,
    "bottle": _paint_bottle,
    "grain": _paint_grain,
    "parcel": _paint_parcel,
    "jar": _paint_jar,
    "flowers": _paint_flowers,
    "bird": _paint_bird,
}


# ------------------------------------------------------------------------------
# The name
# ------------------------------------------------------------------------------
def _draw_label(image: Image.Image, *, label: str, caption: str) -> None:
    width, height = image.size
    band = Image.new("RGBA", (width, 250), (255, 255, 255, 150))
    image.paste(band, (0, height - 250), band)
    title_font = _font(112 if len(label) <= 7 else 84)
    if title_font is None:
        return  # no CJK font on this machine: the drawing alone says what it is
    draw = ImageDraw.Draw(image)
    draw.text((width / 2, height - 150), label, font=title_font, fill=(40, 48, 40), anchor="mm")
    if caption:
        draw.text((width / 2, height - 50), caption, font=_font(44), fill=(80, 90, 80), anchor="mm")
