"""farmers.images: what a seller's phone may upload (the accepted types and their
renditions, every refusal) and the listing's photo rules.

Every image is made in memory; no database.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, features

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
    photo_count_validate,
    photo_normalise,
    photo_renditions,
    photo_validate,
    rendition_filename,
)
from tests.farmers.images_helpers import (
    BLUE,
    RED,
    UPRIGHT_SIZE,
    WHITE,
    colour_at,
    encode,
    noise,
    png_claiming,
    refusal,
    upright_picture,
)

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
