"""farmers.images: what a seller's phone may upload, and what the storefront gets from it.

Every image is made in memory; no database.
"""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, features

from core.errors import ApplicationError
from farmers.images import (
    MAX_PHOTOS_PER_LISTING,
    MAX_UPLOAD_BYTES,
    ORIGINAL_MAX_SIDE,
    PHOTO_ANIMATED,
    PHOTO_BOMB,
    PHOTO_DAMAGED,
    PHOTO_FORMAT_NOT_ACCEPTED,
    PHOTO_NOT_AN_IMAGE,
    PHOTO_TOO_LARGE,
    PHOTO_TOO_MANY,
    PHOTO_TOO_MANY_PIXELS,
    RENDITION_SIZES,
    photo_count_validate,
    photo_normalise,
    photo_renditions,
    photo_validate,
    rendition_filename,
)

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


# Orientation and metadata


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation):
    # given a phone JPEG whose pixels are stored turned/mirrored as Orientation says
    transform = STORED_FROM_UPRIGHT[orientation]
    stored = upright_picture() if transform is None else upright_picture().transpose(transform)
    upload = encode(stored, "JPEG", quality=95, exif=camera_exif(orientation))

    # when
    normalised = photo_normalise(photo_validate(upload))

    # then the red block is top-left, the blue top-right, at the upright size
    result = Image.open(io.BytesIO(normalised.data))
    assert result.size == UPRIGHT_SIZE
    assert (normalised.width, normalised.height) == UPRIGHT_SIZE
    assert colour_at(result, (5, 5)) == "red"
    assert colour_at(result, (114, 5)) == "blue"
    assert colour_at(result, (5, 74)) == "white"
    assert colour_at(result, (114, 74)) == "white"


def test_normalised_photo_and_renditions_carry_no_metadata():
    # given a photo with EXIF (GPS, camera, time), XMP with a location, a comment and ICC
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = encode(
        upright_picture(),
        "JPEG",
        exif=camera_exif(1),
        xmp=XMP,
        comment=b"Redmi 9A, Zhouzhi",
        icc_profile=srgb,
    )
    assert b"Exif\x00\x00" in upload and b"Redmi" in upload  # the fixture is what it says

    # when
    normalised = photo_normalise(photo_validate(upload))
    renditions = photo_renditions(normalised.data)

    # then
    result = Image.open(io.BytesIO(normalised.data))
    assert result.format == "JPEG"
    assert result.info.get("progressive") == 1
    assert dict(result.getexif()) == {}
    assert result.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in ("exif", "xmp", "comment", "icc_profile"):
        assert key not in result.info
    for marker in (b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/", b"xmpmeta", b"Redmi"):
        assert marker not in normalised.data
    for rendition in renditions.values():
        webp = Image.open(io.BytesIO(rendition.data))
        assert webp.format == "WEBP"
        assert set(webp.info) & {"exif", "xmp", "icc_profile"} == set()
        for chunk in (b"EXIF", b"XMP ", b"ICCP"):
            assert chunk not in rendition.data


def test_heic_from_an_iphone_held_upright_comes_out_upright():
    # given a HEIC whose pixels are stored sideways with Orientation 6, as an iPhone saves them:
    # pillow-heif turns EXIF bytes' Orientation into the HEIF rotation (irot) that libheif
    # applies on reading, as it does for an iPhone's file
    stored = upright_picture().transpose(STORED_FROM_UPRIGHT[6])
    upload = encode(stored, "HEIF", quality=90, exif=camera_exif(6).tobytes())
    assert Image.open(io.BytesIO(upload)).info["original_orientation"] == 6

    # when
    validated = photo_validate(upload)
    normalised = photo_normalise(validated)

    # then
    assert validated.format == "HEIF"
    result = Image.open(io.BytesIO(normalised.data))
    assert result.size == UPRIGHT_SIZE
    assert colour_at(result, (5, 5)) == "red"
    assert colour_at(result, (114, 5)) == "blue"
    assert colour_at(result, (5, 74)) == "white"
    assert b"Exif\x00\x00" not in normalised.data


@pytest.mark.parametrize(
    "exif",
    [
        pytest.param(b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff", id="cut-short"),
        # Found by flipping bytes of camera EXIF: Pillow raises TypeError on this one.
        pytest.param(
            bytes.fromhex(
                "4578696600004d4d002a000000080003010f00027b0000025800000001120003000000010006"
                "000088250004000000010000003200000000003b00010002000000024e000000000200050000"
                "00030000005000000000005500010000000100000002000000010000000300000001"
            ),
            id="pillow-raises",
        ),
    ],
)
@pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")
def test_unreadable_exif_does_not_refuse_the_photo(exif):
    upload = encode(upright_picture(), "JPEG", exif=exif)

    normalised = photo_normalise(photo_validate(upload))

    assert (normalised.width, normalised.height) == UPRIGHT_SIZE
    assert b"Exif\x00\x00" not in normalised.data


def test_normalise_leaves_the_validated_photo_as_it_was():
    stored = upright_picture().transpose(STORED_FROM_UPRIGHT[6])
    validated = photo_validate(encode(stored, "JPEG", exif=camera_exif(6)))

    first = photo_normalise(validated)
    second = photo_normalise(validated)

    assert validated.image.size == stored.size
    assert (first.width, first.height) == (second.width, second.height) == UPRIGHT_SIZE


# Size, colour and modes


def test_large_photo_is_stored_at_most_original_max_side():
    # given a 24 MP JPEG, which is decoded at half scale
    upload = encode(Image.new("RGB", (6000, 4000), (40, 120, 40)), "JPEG", quality=80)

    validated = photo_validate(upload)
    normalised = photo_normalise(validated)

    assert (validated.width, validated.height) == (6000, 4000)
    assert validated.image.size == (3000, 2000)
    assert (normalised.width, normalised.height) == (ORIGINAL_MAX_SIDE, 1333)
    assert Image.open(io.BytesIO(normalised.data)).size == (ORIGINAL_MAX_SIDE, 1333)


def test_twelve_megapixel_phone_jpeg_is_decoded_straight_to_its_stored_size():
    upload = encode(Image.new("RGB", (4000, 3000), (40, 120, 40)), "JPEG", exif=camera_exif(6))

    validated = photo_validate(upload)
    normalised = photo_normalise(validated)

    assert validated.image.size == (2000, 1500)
    assert (normalised.width, normalised.height) == (1500, 2000)


def test_small_photo_is_not_enlarged():
    normalised = photo_normalise(photo_validate(encode(upright_picture(), "PNG")))
    renditions = photo_renditions(normalised.data)

    assert (normalised.width, normalised.height) == UPRIGHT_SIZE
    assert {name: (r.width, r.height) for name, r in renditions.items()} == dict.fromkeys(
        RENDITION_SIZES, UPRIGHT_SIZE
    )


def test_transparent_png_is_put_on_white():
    image = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (0, 0, 30, 40))

    normalised = photo_normalise(photo_validate(encode(image, "PNG")))

    result = Image.open(io.BytesIO(normalised.data))
    assert result.mode == "RGB"
    assert colour_at(result, (5, 20)) == "red"
    assert colour_at(result, (50, 20)) == "white"


def test_palette_png_with_a_transparent_colour_is_put_on_white():
    image = Image.new("P", (60, 40), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 30, 40))

    normalised = photo_normalise(photo_validate(encode(image, "PNG", transparency=0)))

    result = Image.open(io.BytesIO(normalised.data))
    assert colour_at(result, (5, 20)) == "red"
    assert colour_at(result, (50, 20)) == "white"


def test_sixteen_bit_grey_png_keeps_its_tones():
    image = Image.new("I;16", (40, 40), 32768)

    normalised = photo_normalise(photo_validate(encode(image, "PNG")))

    result = Image.open(io.BytesIO(normalised.data))
    assert result.mode == "RGB"
    assert all(abs(channel - 128) <= 2 for channel in result.getpixel((20, 20)))


def test_cmyk_jpeg_comes_out_rgb():
    image = Image.new("CMYK", (40, 40), (0, 255, 255, 0))  # red in print colours

    normalised = photo_normalise(photo_validate(encode(image, "JPEG", quality=95)))

    result = Image.open(io.BytesIO(normalised.data))
    assert result.mode == "RGB"
    assert colour_at(result, (20, 20)) == "red"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_display_p3_photo_is_converted_to_srgb(image_format):
    # given a leaf green in Display P3, as an iPhone tags its photos
    upload = encode(
        Image.new("RGB", (64, 64), (100, 200, 100)), image_format, icc_profile=DISPLAY_P3
    )
    assert Image.open(io.BytesIO(upload)).info["icc_profile"] == DISPLAY_P3

    normalised = photo_normalise(photo_validate(upload))

    # then the same green in sRGB numbers (lcms gives 43, 204, 85), untagged
    result = Image.open(io.BytesIO(normalised.data))
    red, green, blue = result.getpixel((32, 32))
    assert max(abs(red - 43), abs(green - 204), abs(blue - 85)) <= 6
    assert "icc_profile" not in result.info


def test_broken_icc_profile_is_ignored():
    upload = encode(upright_picture(), "JPEG", icc_profile=b"not a profile")

    normalised = photo_normalise(photo_validate(upload))

    result = Image.open(io.BytesIO(normalised.data))
    assert colour_at(result, (5, 5)) == "red"
    assert "icc_profile" not in result.info


# Accepted types


@pytest.mark.parametrize(
    ("image_format", "expected_format"),
    [("JPEG", "JPEG"), ("PNG", "PNG"), ("WEBP", "WEBP"), ("HEIF", "HEIF")],
)
def test_each_accepted_type_produces_every_rendition(image_format, expected_format):
    # given a 1600x1200 photo
    upload = encode(Image.new("RGB", (1600, 1200), (200, 60, 30)), image_format)

    # when
    validated = photo_validate(upload)
    normalised = photo_normalise(validated)
    renditions = photo_renditions(normalised.data)

    # then
    assert validated.format == expected_format
    assert (normalised.width, normalised.height) == (1600, 1200)
    assert list(renditions) == ["thumb", "card", "large"]
    assert {name: (r.width, r.height) for name, r in renditions.items()} == {
        "thumb": (240, 180),
        "card": (480, 360),
        "large": (1080, 810),
    }
    for name, rendition in renditions.items():
        assert rendition.name == name
        assert rendition.content_type == "image/webp"
        webp = Image.open(io.BytesIO(rendition.data))
        assert (webp.format, webp.size) == ("WEBP", (rendition.width, rendition.height))


def test_phone_jpeg_with_a_depth_map_is_a_jpeg_not_an_animation():
    # given a Multi-Picture JPEG (primary photo plus a second image), as many Android phones save
    primary = upright_picture()
    upload = encode(primary, "MPO", save_all=True, append_images=[Image.new("RGB", (30, 20))])
    assert Image.open(io.BytesIO(upload)).format == "MPO"

    validated = photo_validate(upload)
    normalised = photo_normalise(validated)

    assert validated.format == "JPEG"
    result = Image.open(io.BytesIO(normalised.data))
    assert result.size == UPRIGHT_SIZE
    assert colour_at(result, (5, 5)) == "red"


def test_renditions_keep_the_aspect_of_a_portrait_photo():
    normalised = photo_normalise(photo_validate(encode(Image.new("RGB", (1536, 2048)), "JPEG")))

    renditions = photo_renditions(normalised.data)

    assert {name: (r.width, r.height) for name, r in renditions.items()} == {
        "thumb": (180, 240),
        "card": (360, 480),
        "large": (810, 1080),
    }


def test_a_panorama_one_pixel_high_still_gets_renditions():
    normalised = photo_normalise(photo_validate(encode(Image.new("RGB", (4000, 1)), "PNG")))

    renditions = photo_renditions(normalised.data)

    assert (normalised.width, normalised.height) == (ORIGINAL_MAX_SIDE, 1)
    assert (renditions["thumb"].width, renditions["thumb"].height) == (240, 1)


def test_upload_can_be_a_django_uploaded_file_read_before():
    upload = SimpleUploadedFile("IMG_0001.JPG", encode(upright_picture(), "JPEG"))
    upload.read()  # as a form's ImageField leaves it

    validated = photo_validate(upload)

    assert (validated.format, validated.width, validated.height) == ("JPEG", *UPRIGHT_SIZE)


# Refusals


@pytest.mark.parametrize("content", [b"hello", b"", b"%PDF-1.7\n" + b"\x00" * 500])
def test_not_an_image_is_refused(content):
    assert refusal(content) == str(PHOTO_NOT_AN_IMAGE)


@pytest.mark.parametrize(
    ("image_format", "options"),
    [
        ("JPEG", {"quality": 90}),
        ("JPEG", {"quality": 90, "progressive": True}),
        ("PNG", {}),
        ("WEBP", {"quality": 90}),
        ("HEIF", {"quality": 90}),
    ],
)
def test_truncated_file_is_refused(image_format, options):
    whole = encode(noise((256, 192)), image_format, **options)

    assert refusal(whole[: len(whole) // 2]) == str(PHOTO_DAMAGED)


def test_photo_over_15_mb_is_refused_before_it_is_read():
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("read before the size was checked")

    upload = Unreadable(b"\xff\xd8" + b"\x00" * (MAX_UPLOAD_BYTES - 1))
    assert len(upload.getvalue()) == MAX_UPLOAD_BYTES + 1

    assert refusal(upload) == str(PHOTO_TOO_LARGE % {"max_mb": 15})


@pytest.mark.parametrize(
    "make_upload",
    [
        pytest.param(lambda content: content, id="bytes"),
        pytest.param(lambda content: SimpleUploadedFile("big.jpg", content), id="uploaded-file"),
        pytest.param(lambda content: io.BufferedReader(io.BytesIO(content)), id="stream"),
    ],
)
def test_photo_over_15_mb_is_refused_whatever_it_comes_in(make_upload):
    content = b"\x00" * (MAX_UPLOAD_BYTES + 1)

    assert refusal(make_upload(content)) == str(PHOTO_TOO_LARGE % {"max_mb": 15})


def test_stream_lying_about_its_size_is_refused_after_at_most_the_limit():
    class Stream(io.RawIOBase):
        """Endless bytes claiming to be small, never seekable."""

        size = 100
        served = 0

        def readable(self):
            return True

        def read(self, n=-1):
            self.served += n
            return b"\x00" * n

    stream = Stream()

    assert refusal(stream) == str(PHOTO_TOO_LARGE % {"max_mb": 15})
    assert stream.served == MAX_UPLOAD_BYTES + 1


def test_photo_of_exactly_15_mb_is_not_refused_for_its_size():
    content = encode(Image.new("RGB", (64, 64)), "PNG")
    content += b"\x00" * (MAX_UPLOAD_BYTES - len(content))  # trailing bytes after IEND

    validated = photo_validate(content)

    assert validated.size_bytes == MAX_UPLOAD_BYTES


def test_photo_over_40_megapixels_is_refused():
    # given 9000x9000 (81 MP) in a few kilobytes: a small file with a huge picture
    upload = encode(Image.new("1", (9000, 9000)), "PNG")
    assert len(upload) < 50_000

    message = refusal(upload)

    assert message == str(
        PHOTO_TOO_MANY_PIXELS % {"width": 9000, "height": 9000, "max_megapixels": 40}
    )


def test_photo_just_over_40_megapixels_is_refused_and_40_accepted():
    over = encode(Image.new("1", (8000, 5001)), "PNG")
    at_limit = encode(Image.new("1", (8000, 5000)), "PNG")

    assert refusal(over) == str(
        PHOTO_TOO_MANY_PIXELS % {"width": 8000, "height": 5001, "max_megapixels": 40}
    )
    assert (photo_validate(at_limit).width, photo_validate(at_limit).height) == (8000, 5000)


def test_decompression_bomb_beyond_pillows_limit_is_refused():
    # given a header claiming 20000x20000 (400 MP, twice Pillow's limit and more)
    upload = png_claiming(20000, 20000)
    assert Image.MAX_IMAGE_PIXELS * 2 < 20000 * 20000

    assert refusal(upload) == str(PHOTO_BOMB)


def test_decompression_bomb_in_pillows_warning_range_is_refused():
    # given a header claiming 10000x10000 (100 MP), where Pillow only warns
    upload = png_claiming(10000, 10000)
    assert Image.MAX_IMAGE_PIXELS < 10000 * 10000 < Image.MAX_IMAGE_PIXELS * 2

    with pytest.warns(Image.DecompressionBombWarning):
        message = refusal(upload)

    assert message == str(PHOTO_BOMB)


@pytest.mark.parametrize("image_format", ["GIF", "WEBP", "PNG"])
def test_animation_is_refused(image_format):
    frames = [Image.new("RGB", (40, 40), colour) for colour in (RED, BLUE, WHITE)]
    upload = encode(frames[0], image_format, save_all=True, append_images=frames[1:])

    assert refusal(upload) == str(PHOTO_ANIMATED)


@pytest.mark.parametrize(
    "image_format",
    [
        "GIF",
        "BMP",
        "TIFF",
        pytest.param(
            "AVIF",
            marks=pytest.mark.skipif(not features.check("avif"), reason="no AVIF in Pillow"),
        ),
    ],
)
def test_type_outside_jpeg_png_webp_heic_is_refused(image_format):
    upload = encode(Image.new("RGB", (40, 40), RED), image_format)

    assert refusal(upload) == str(PHOTO_FORMAT_NOT_ACCEPTED % {"format": image_format})


# Listing rules and storage names


def test_a_listing_takes_up_to_six_photos():
    photo_count_validate(existing=5)
    photo_count_validate(existing=0, adding=MAX_PHOTOS_PER_LISTING)

    with pytest.raises(ApplicationError) as caught:
        photo_count_validate(existing=4, adding=3)

    assert str(caught.value.message) == str(PHOTO_TOO_MANY % {"max": 6})
    assert caught.value.field == "photo"


def test_rendition_is_stored_beside_its_original():
    assert (
        rendition_filename("listings/42/photo.v2.jpg", "card") == "listings/42/photo.v2_card.webp"
    )
    assert rendition_filename("listings/42/photo", "thumb") == "listings/42/photo_thumb.webp"
