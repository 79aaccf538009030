"""farmers.images: what the storefront gets from a seller's photo: upright, without
metadata, at most ORIGINAL_MAX_SIDE, in sRGB on white.

Every image is made in memory; no database.
"""

import io

import pytest
from PIL import ExifTags, Image, ImageCms

from farmers.images import (
    ORIGINAL_MAX_SIDE,
    RENDITION_SIZES,
    photo_normalise,
    photo_renditions,
    photo_validate,
)
from tests.farmers.images_helpers import (
    DISPLAY_P3,
    STORED_FROM_UPRIGHT,
    UPRIGHT_SIZE,
    XMP,
    camera_exif,
    colour_at,
    encode,
    upright_picture,
)

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
