"""Pictures the photo tests make in memory: an upright test picture, phone EXIF, XMP, an ICC
profile, encoders, a colour reader, a PNG claiming any size and the refusal helper."""

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image

from core.errors import ApplicationError
from farmers.images import photo_validate

RED = (255, 0, 0)
BLUE = (0, 0, 255)
WHITE = (255, 255, 255)
# Upright test picture: landscape, a red block top-left and a blue block top-right, so every
# rotation and every mirror lands them somewhere else.
UPRIGHT_SIZE = (120, 80)

# From the EXIF spec: how the stored pixels relate to the upright picture for each Orientation
# value (what a camera writes); a correct reader undoes it. Written from the spec, not taken
# from Pillow's exif_transpose, so the test can catch a wrong mapping.
STORED_FROM_UPRIGHT = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,  # row 0 top, column 0 right
    3: Image.Transpose.ROTATE_180,  # row 0 bottom, column 0 right
    4: Image.Transpose.FLIP_TOP_BOTTOM,  # row 0 bottom, column 0 left
    5: Image.Transpose.TRANSPOSE,  # row 0 left, column 0 top
    6: Image.Transpose.ROTATE_90,  # row 0 right, column 0 top: phone held upright
    7: Image.Transpose.TRANSVERSE,  # row 0 right, column 0 bottom
    8: Image.Transpose.ROTATE_270,  # row 0 left, column 0 bottom
}


def upright_picture() -> Image.Image:
    image = Image.new("RGB", UPRIGHT_SIZE, WHITE)
    image.paste(RED, (0, 0, 40, 26))
    image.paste(BLUE, (80, 0, 120, 26))
    return image


def camera_exif(orientation: int) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera, time and where the photo was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi 9A"
    exif[ExifTags.Base.DateTime] = "2026:09:21 07:30:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 15.0, 27.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (108.0, 56.0, 41.25)
    return exif


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="34,15.458N"/></rdf:RDF></x:xmpmeta>'
)


def icc_rgb_profile(red, green, blue, *, gamma: float) -> bytes:
    """A minimal ICC v2 RGB display profile: D50-adapted primaries and one gamma curve."""

    def s15fixed16(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + s15fixed16(x) + s15fixed16(y) + s15fixed16(z)

    name = b"Display P3 (test)\0"
    description = b"desc" + bytes(4) + struct.pack(">I", len(name)) + name + bytes(8 + 3 + 67)
    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)
    d50 = (0.9642, 1.0, 0.8249)
    tags = [
        (b"desc", description),
        (b"wtpt", xyz(*d50)),
        (b"rXYZ", xyz(*red)),
        (b"gXYZ", xyz(*green)),
        (b"bXYZ", xyz(*blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    body_start = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        body += bytes(-(body_start + len(body)) % 4)
        table += signature + struct.pack(">II", body_start + len(body), len(data))
        body += data
    header = (
        struct.pack(">I", body_start + len(body))
        + bytes(4)
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(28)
        + b"".join(s15fixed16(v) for v in d50)
        + bytes(48)
    )
    return header + struct.pack(">I", len(tags)) + table + body


# Apple's Display P3 primaries, as its profile gives them (adapted to D50).
DISPLAY_P3 = icc_rgb_profile(
    (0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841), gamma=2.2
)


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def noise(size: tuple[int, int]) -> Image.Image:
    """Incompressible pixels, so half a file is half the picture."""
    return Image.merge("RGB", [Image.effect_noise(size, 64) for _ in range(3)])


def colour_at(image: Image.Image, xy: tuple[int, int]) -> str:
    red, green, blue = image.convert("RGB").getpixel(xy)
    if red > 200 and green < 70 and blue < 70:
        return "red"
    if blue > 200 and red < 70 and green < 70:
        return "blue"
    if min(red, green, blue) > 220:
        return "white"
    return f"other {red, green, blue}"


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height, with one row of pixels behind it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * (width // 8 + 2)))
        + chunk(b"IEND", b"")
    )


def refusal(upload) -> str:
    with pytest.raises(ApplicationError) as caught:
        photo_validate(upload)
    assert caught.value.field == "photo"
    return str(caught.value.message)
