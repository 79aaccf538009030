"""A county's Wagtail images are served on its own host and nowhere else; every other file of
its media folder is private (issue 12, "Media")."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from PIL import Image as PillowImage
from wagtail.images.models import Image

from county_sites.storefront.models import CountyHomePage
from tests.fixtures.counties import SchemaKeepingClient

BANNER_SRC = re.compile(r'src="(/media/county_anji/images/[^"]+)"')


def _banner_image() -> Image:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (1200, 400), (120, 170, 90)).save(buffer, format="PNG")
    return Image.objects.create(title="春茶", file=ImageFile(buffer, name="banner.png"))


@pytest.fixture
def banner_url(in_county):
    """The first banner's image URL on county A's published home page."""
    image = _banner_image()
    home = CountyHomePage.objects.get()
    home.body = [
        {
            "type": "banner_carousel",
            "value": {"slides": [{"image": image.pk, "title": "春茶上市", "link": ""}]},
        }
    ]
    home.save_revision().publish()
    return image


def _home_banner_src(client) -> str:
    html = client.get("/").content.decode()
    match = BANNER_SRC.search(html)
    assert match, html
    return match.group(1)


def test_a_published_banner_is_an_image_on_its_county_host(banner_url, county_client):
    src = _home_banner_src(county_client)

    response = county_client.get(src)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp" or response["Content-Type"].startswith("image/")
    body = b"".join(response.streaming_content)
    with PillowImage.open(io.BytesIO(body)) as served:
        assert served.width > 0
    assert response["Cache-Control"] == "public, max-age=86400"


def test_the_same_banner_url_is_404_on_another_county_and_on_the_hub(
    banner_url, county_client, other_county_client, hub_client
):
    src = _home_banner_src(county_client)

    assert other_county_client.get(src).status_code == 404
    assert hub_client.get(src).status_code == 404


def test_the_original_image_is_served_for_the_admin(banner_url, county_client):
    response = county_client.get(banner_url.file.url)

    assert banner_url.file.url == f"/media/county_anji/{banner_url.file.name}"
    assert banner_url.file.name.startswith("original_images/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_in_production_nginx_sends_the_file(banner_url, county_client, county, settings):
    settings.FENGSHOU_MEDIA_ACCEL_PREFIX = "/_protected_media/"
    src = _home_banner_src(county_client)

    response = county_client.get(src)

    assert response.status_code == 200
    assert response.content == b""
    assert src.startswith(f"/media/{county.schema_name}/images/")
    assert response["X-Accel-Redirect"] == "/_protected_media/" + src.removeprefix("/media/")


@pytest.mark.parametrize(
    "name",
    [
        "refunds/1/evidence.jpg",
        "consents/form.jpg",
        "listings/1/original.jpg",
        "documents/contract.pdf",
        "images/../refunds/1/evidence.jpg",
        "images/../../county_chunan/images/x.png",
        "images//x.png",
    ],
)
def test_private_files_and_escapes_are_not_public(in_county, county, county_client, name):
    default_storage.save("refunds/1/evidence.jpg", ContentFile(b"\xff\xd8 a photo"))
    default_storage.save("consents/form.jpg", ContentFile(b"\xff\xd8 a signature"))
    default_storage.save("listings/1/original.jpg", ContentFile(b"\xff\xd8 an original"))
    default_storage.save("documents/contract.pdf", ContentFile(b"%PDF private"))

    assert county_client.get(f"/media/{county.schema_name}/{name}").status_code == 404


def test_a_post_to_media_is_refused(banner_url, county_client):
    src = _home_banner_src(county_client)

    assert county_client.post(src).status_code == 405


def test_unknown_host_gets_no_media(banner_url, county_client, db):
    src = _home_banner_src(county_client)

    assert SchemaKeepingClient(HTTP_HOST="nowhere.example").get(src).status_code in (400, 404)


def test_another_countys_folder_named_on_this_host_is_404(banner_url, county_client, other_county):
    src = _home_banner_src(county_client)
    elsewhere = src.replace("/county_anji/", f"/{other_county.schema_name}/")

    assert county_client.get(elsewhere).status_code == 404


def test_a_document_is_served_by_wagtails_view_and_nginx_in_production(
    in_county, county, county_client, other_county_client, settings
):
    from wagtail.documents.models import Document

    document = Document.objects.create(
        title="价目表", file=ContentFile(b"%PDF-1.4 prices", name="prices.pdf")
    )
    url = document.url

    response = county_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 prices"
    assert other_county_client.get(url).status_code == 404
    # The stored file itself is not public.
    assert county_client.get(document.file.url).status_code == 404
    settings.FENGSHOU_MEDIA_ACCEL_PREFIX = "/_protected_media/"
    response = county_client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == (
        f"/_protected_media/{county.schema_name}/{document.file.name}"
    )
