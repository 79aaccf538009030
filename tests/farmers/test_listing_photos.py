"""Listing photos end to end: a real multipart upload on the seller's page, what is stored in
the county's media folder, every refusal (4xx, its message, nothing saved), the 6-photo limit
and the renditions task (per county, idempotent)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from core.county_tasks import WrongSchemaError
from farmers.images import (
    MAX_PHOTOS_PER_LISTING,
    MAX_UPLOAD_BYTES,
    PHOTO_ANIMATED,
    PHOTO_BOMB,
    PHOTO_DAMAGED,
    PHOTO_FORMAT_NOT_ACCEPTED,
    PHOTO_NOT_AN_IMAGE,
    PHOTO_TOO_LARGE,
    PHOTO_TOO_MANY,
    PHOTO_TOO_MANY_PIXELS,
    RENDITION_SIZES,
)
from farmers.models import Listing, ListingPhoto, ModerationDecision
from farmers.services import listing_photo_add, listing_photo_remove
from farmers.tasks import listing_photo_renditions
from tests.factories.farmers import ListingFactory
from tests.farmers.images_helpers import (
    BLUE,
    RED,
    STORED_FROM_UPRIGHT,
    UPRIGHT_SIZE,
    WHITE,
    camera_exif,
    colour_at,
    encode,
    noise,
    png_claiming,
    upright_picture,
)
from tests.fixtures.farmers import farmers_snapshot


def _jpeg(size=(40, 30), colour=RED) -> bytes:
    return encode(Image.new("RGB", size, colour), "JPEG", quality=90)


def _upload(content: bytes, name: str = "IMG_20260921_073000.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _photos_url(listing) -> str:
    return reverse("farmers:seller_listing_photos_add", args=[listing.pk])


@pytest.fixture
def renditions_sent(monkeypatch):
    """listing_photo_renditions runs at once, here, through Celery's apply() with the headers
    the service gave it, so tenant-schemas-celery switches schema as on a worker."""
    sends = []

    def apply_now(args=None, kwargs=None, **options):
        headers = options.get("headers")
        sends.append({"args": tuple(args or ()), "headers": headers})
        tenant = connection.tenant
        try:
            result = listing_photo_renditions.apply(args=args, kwargs=kwargs, headers=headers)
            result.get()  # a failed task fails the test
        finally:
            connection.set_tenant(tenant)
        return result

    monkeypatch.setattr(listing_photo_renditions, "apply_async", apply_now)
    return sends


# ------------------------------------------------------------------------------
# A real upload through the seller's page
# ------------------------------------------------------------------------------
def test_phone_photo_upload_is_stored_upright_without_exif(
    seller_client, draft_listing, county, django_capture_on_commit_callbacks, renditions_sent
):
    # given a phone JPEG stored sideways (Orientation 6) with GPS, camera and time in EXIF
    stored = upright_picture().transpose(STORED_FROM_UPRIGHT[6])
    content = encode(stored, "JPEG", quality=95, exif=camera_exif(6))
    assert b"Redmi" in content

    # when the seller uploads it from the listing page (multipart, as the browser sends it)
    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(_photos_url(draft_listing), {"photos": _upload(content)})

    # then the original is an upright JPEG with no metadata, in the county's media folder
    assert response.status_code == 303
    assert response["Location"] == (
        reverse("farmers:seller_listing_edit", args=[draft_listing.pk]) + "#photos"
    )
    photo = ListingPhoto.objects.get(listing=draft_listing)
    assert photo.original.name.startswith(f"listings/{draft_listing.pk}/")
    assert photo.original.name.endswith(".jpg")
    assert "IMG_2026" not in photo.original.name
    path = Path(settings.MEDIA_ROOT) / county.schema_name / photo.original.name
    assert path.is_file()
    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == UPRIGHT_SIZE
        assert (photo.width, photo.height) == UPRIGHT_SIZE
        assert colour_at(image, (5, 5)) == "red"
        assert colour_at(image, (114, 5)) == "blue"
        assert colour_at(image, (5, 74)) == "white"
        assert not image.getexif()
    for leak in (b"Exif\x00\x00", b"Redmi", b"Xiaomi", b"2026:09:21"):
        assert leak not in data
    # and its renditions were queued after commit, for this county, and made
    assert renditions_sent == [
        {"args": (photo.pk, county.schema_name), "headers": {"_schema_name": county.schema_name}}
    ]
    photo.refresh_from_db()
    assert photo.renditions_ready
    assert set(photo.renditions) == set(RENDITION_SIZES)


def test_photo_taken_on_an_iphone_heic_is_accepted(seller_client, draft_listing, county):
    stored = upright_picture().transpose(STORED_FROM_UPRIGHT[6])
    content = encode(stored, "HEIF", quality=90, exif=camera_exif(6).tobytes())

    response = seller_client.post(
        _photos_url(draft_listing),
        {"photos": _upload(content, "IMG_0042.HEIC", "image/heic")},
    )

    assert response.status_code == 303
    photo = ListingPhoto.objects.get(listing=draft_listing)
    assert photo.original.name.endswith(".jpg")
    with photo.original.open("rb") as stored_file, Image.open(stored_file) as image:
        assert (image.format, image.size) == ("JPEG", UPRIGHT_SIZE)
        assert colour_at(image, (5, 5)) == "red"


def test_camera_and_gallery_photos_are_added_together(seller_client, draft_listing):
    response = seller_client.post(
        _photos_url(draft_listing),
        {"photos": [_upload(_jpeg(colour=RED)), _upload(_jpeg(colour=BLUE), "b.jpg")]},
    )

    assert response.status_code == 303
    assert list(
        ListingPhoto.objects.filter(listing=draft_listing).values_list("position", flat=True)
    ) == [0, 1]


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (40, 40), colour) for colour in (RED, BLUE, WHITE)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:])


def _truncated_jpeg() -> bytes:
    whole = encode(noise((256, 192)), "JPEG", quality=90)
    return whole[: len(whole) // 2]


BAD_UPLOADS = [
    pytest.param(lambda: b"hello, not a photo", PHOTO_NOT_AN_IMAGE, id="not-an-image"),
    pytest.param(_truncated_jpeg, PHOTO_DAMAGED, id="truncated"),
    pytest.param(lambda: png_claiming(20000, 20000), PHOTO_BOMB, id="decompression-bomb"),
    pytest.param(
        lambda: b"\xff\xd8" + b"\x00" * (MAX_UPLOAD_BYTES - 1),
        PHOTO_TOO_LARGE % {"max_mb": 15},
        id="over-15-mb",
    ),
    pytest.param(
        lambda: encode(Image.new("1", (9000, 9000)), "PNG"),
        PHOTO_TOO_MANY_PIXELS % {"width": 9000, "height": 9000, "max_megapixels": 40},
        id="over-40-megapixels",
    ),
    pytest.param(_animated_gif, PHOTO_ANIMATED, id="animated-gif"),
    pytest.param(
        lambda: encode(Image.new("RGB", (40, 40), RED), "GIF"),
        PHOTO_FORMAT_NOT_ACCEPTED % {"format": "GIF"},
        id="gif",
    ),
    pytest.param(
        lambda: encode(Image.new("RGB", (40, 40), RED), "BMP"),
        PHOTO_FORMAT_NOT_ACCEPTED % {"format": "BMP"},
        id="bmp",
    ),
]


@pytest.mark.parametrize(("make_content", "message"), BAD_UPLOADS)
def test_bad_upload_is_refused_with_its_message_and_nothing_saved(
    seller_client, approved_listing, make_content, message, django_capture_on_commit_callbacks
):
    # given an approved listing (a photo added would send it back to review)
    before = farmers_snapshot()

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        response = seller_client.post(
            _photos_url(approved_listing), {"photos": _upload(make_content())}
        )

    # then 400 with the message on the listing page, and nothing changed anywhere
    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert farmers_snapshot() == before
    assert not ListingPhoto.objects.exists()
    assert _media_files() == []
    assert callbacks == []
    approved_listing.refresh_from_db()
    assert approved_listing.state == Listing.State.APPROVED


def test_one_bad_photo_among_several_saves_none(seller_client, draft_listing):
    response = seller_client.post(
        _photos_url(draft_listing),
        {"photos": [_upload(_jpeg()), _upload(b"hello", "notes.jpg")]},
    )

    assert response.status_code == 400
    assert str(PHOTO_NOT_AN_IMAGE) in response.content.decode()
    assert not ListingPhoto.objects.exists()
    assert _media_files() == []


def test_a_seventh_photo_is_refused_on_the_page(seller_client, seller, draft_listing):
    for _i in range(MAX_PHOTOS_PER_LISTING):
        listing_photo_add(actor=seller.user, listing=draft_listing, image=_jpeg())
    files_before = _media_files()
    before = farmers_snapshot()

    response = seller_client.post(_photos_url(draft_listing), {"photos": _upload(_jpeg())})

    assert response.status_code == 400
    assert str(PHOTO_TOO_MANY % {"max": 6}) in response.content.decode()
    assert farmers_snapshot() == before
    assert _media_files() == files_before


def test_three_photos_on_a_listing_with_four_are_refused_together(seller, draft_listing):
    from core.errors import ApplicationError
    from farmers.services import listing_photos_add

    for _i in range(4):
        listing_photo_add(actor=seller.user, listing=draft_listing, image=_jpeg())

    with pytest.raises(ApplicationError) as raised:
        listing_photos_add(actor=seller.user, listing=draft_listing, images=[_jpeg()] * 3)

    assert str(raised.value) == str(PHOTO_TOO_MANY % {"max": 6})
    assert ListingPhoto.objects.filter(listing=draft_listing).count() == 4


def test_no_photo_chosen_is_a_400_with_a_message(seller_client, draft_listing):
    response = seller_client.post(_photos_url(draft_listing), {})

    assert response.status_code == 400
    assert "请先拍照或选择照片。" in response.content.decode()


def test_adding_a_photo_to_an_approved_listing_sends_it_back_to_review(
    seller_client, seller, approved_listing
):
    response = seller_client.post(_photos_url(approved_listing), {"photos": _upload(_jpeg())})

    assert response.status_code == 303
    approved_listing.refresh_from_db()
    assert approved_listing.state == Listing.State.SUBMITTED
    assert list(
        ModerationDecision.objects.filter(listing=approved_listing).values_list("action", "actor")
    ) == [(ModerationDecision.Action.RETURNED_TO_REVIEW, seller.user.pk)]


def test_another_sellers_listing_takes_no_photo(county_client, other_seller, draft_listing):
    county_client.force_login(other_seller.user)

    response = county_client.post(_photos_url(draft_listing), {"photos": _upload(_jpeg())})

    assert response.status_code == 404
    assert not ListingPhoto.objects.exists()
    assert _media_files() == []


# ------------------------------------------------------------------------------
# Renditions
# ------------------------------------------------------------------------------
def _photo_without_renditions(seller, listing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return listing_photo_add(
            actor=seller.user, listing=listing, image=encode(noise((1600, 1200)), "JPEG")
        )


def test_renditions_task_stores_webps_in_the_county_folder(
    seller, draft_listing, county, django_capture_on_commit_callbacks
):
    photo = _photo_without_renditions(seller, draft_listing, django_capture_on_commit_callbacks)
    assert not photo.renditions_ready

    result = listing_photo_renditions.apply(args=(photo.pk, county.schema_name)).get()

    assert result == "ready"
    photo.refresh_from_db()
    assert photo.renditions_ready
    stem = photo.original.name.removesuffix(".jpg")
    expected_sizes = {"thumb": (240, 180), "card": (480, 360), "large": (1080, 810)}
    assert photo.renditions == {
        name: {"name": name, "width": w, "height": h, "path": f"{stem}_{name}.webp"}
        for name, (w, h) in expected_sizes.items()
    }
    county_media = Path(settings.MEDIA_ROOT) / county.schema_name
    for entry in photo.renditions.values():
        with Image.open(county_media / entry["path"]) as image:
            assert (image.format, image.size) == ("WEBP", (entry["width"], entry["height"]))
    assert sorted(path.relative_to(county_media).as_posix() for path in _media_files()) == sorted(
        [photo.original.name] + [entry["path"] for entry in photo.renditions.values()]
    )


def test_renditions_task_run_twice_changes_nothing(
    seller, draft_listing, county, django_capture_on_commit_callbacks
):
    photo = _photo_without_renditions(seller, draft_listing, django_capture_on_commit_callbacks)
    listing_photo_renditions.apply(args=(photo.pk, county.schema_name)).get()
    photo.refresh_from_db()
    files = {path: (path.stat().st_mtime_ns, path.read_bytes()) for path in _media_files()}
    row = ListingPhoto.objects.filter(pk=photo.pk).values().get()

    listing_photo_renditions.apply(args=(photo.pk, county.schema_name)).get()

    assert {path: (path.stat().st_mtime_ns, path.read_bytes()) for path in _media_files()} == files
    assert ListingPhoto.objects.filter(pk=photo.pk).values().get() == row


def test_renditions_task_redone_after_an_interrupted_run_replaces_its_files(
    seller, draft_listing, county, django_capture_on_commit_callbacks
):
    # given a run that wrote a rendition file but died before marking the photo ready
    photo = _photo_without_renditions(seller, draft_listing, django_capture_on_commit_callbacks)
    stale = (
        Path(settings.MEDIA_ROOT)
        / county.schema_name
        / (photo.original.name.removesuffix(".jpg") + "_thumb.webp")
    )
    stale.write_bytes(b"half written")

    listing_photo_renditions.apply(args=(photo.pk, county.schema_name)).get()

    photo.refresh_from_db()
    assert (
        photo.renditions["thumb"]["path"]
        == stale.relative_to(Path(settings.MEDIA_ROOT) / county.schema_name).as_posix()
    )
    with Image.open(stale) as image:
        assert image.format == "WEBP"


def test_renditions_task_for_a_removed_photo_does_nothing(
    seller, draft_listing, county, django_capture_on_commit_callbacks
):
    photo = _photo_without_renditions(seller, draft_listing, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        listing_photo_remove(actor=seller.user, photo=photo)

    assert listing_photo_renditions.apply(args=(photo.pk, county.schema_name)).get() == "gone"
    assert _media_files() == []


def test_removing_a_photo_removes_its_renditions(
    seller, draft_listing, county, django_capture_on_commit_callbacks
):
    photo = _photo_without_renditions(seller, draft_listing, django_capture_on_commit_callbacks)
    listing_photo_renditions.apply(args=(photo.pk, county.schema_name)).get()
    photo.refresh_from_db()
    assert len(_media_files()) == 4

    with django_capture_on_commit_callbacks(execute=True):
        listing_photo_remove(actor=seller.user, photo=photo)

    assert _media_files() == []


def test_renditions_task_refuses_to_run_in_another_county(
    seller, draft_listing, county, other_county, django_capture_on_commit_callbacks
):
    # given county A's photo, and a task for it that ends up running in county B's schema
    photo = _photo_without_renditions(seller, draft_listing, django_capture_on_commit_callbacks)
    files = _media_files()

    result = listing_photo_renditions.apply(
        args=(photo.pk, county.schema_name), headers={"_schema_name": other_county.schema_name}
    )
    connection.set_tenant(county)

    # then it refuses: no rendition made in either county, the photo is not marked ready
    with pytest.raises(WrongSchemaError):
        result.get()
    assert _media_files() == files
    photo.refresh_from_db()
    assert not photo.renditions_ready
    assert photo.renditions == {}


def test_renditions_task_is_queued_with_the_county_schema_in_its_headers(
    seller, draft_listing, county, django_capture_on_commit_callbacks, renditions_sent
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = listing_photo_add(actor=seller.user, listing=draft_listing, image=_jpeg())

    assert renditions_sent == [
        {"args": (photo.pk, county.schema_name), "headers": {"_schema_name": county.schema_name}}
    ]


def test_listing_factory_photo_count_is_per_listing(seller, draft_listing):
    other = ListingFactory(seller=seller)
    for _i in range(MAX_PHOTOS_PER_LISTING):
        listing_photo_add(actor=seller.user, listing=draft_listing, image=_jpeg())

    listing_photo_add(actor=seller.user, listing=other, image=_jpeg())

    assert other.photos.count() == 1
