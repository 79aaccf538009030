"""Media on S3-compatible object storage (core/storage.py, docs/adr/0022), against moto's
local S3 server: one prefix per county in one private bucket, the same URLs and views as on
disk, another county's host answering 404 (issue 12, "Media")."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

MOTO = Path(sys.executable).parent / "moto_server"
BUCKET = "fengshou-media"
KEYS = {"access_key": "testing", "secret_key": "testing"}  # moto accepts any

pytestmark = pytest.mark.skipif(
    not MOTO.exists() and not shutil.which("moto_server"),
    reason="moto[server] is not installed (requirements-dev.txt)",
)


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(MOTO) if MOTO.exists() else "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        endpoint = f"http://127.0.0.1:{port}"
        _client(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def _client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )


@pytest.fixture
def object_storage(settings, s3_endpoint):
    """The default storage is the county S3 storage for this test (Django's setting_changed
    receiver forgets the storages built before)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "core.storage.CountyS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                **KEYS,
            },
        },
    }
    assert type(default_storage._wrapped).__name__ in ("CountyS3Storage", "object")
    yield _client(s3_endpoint)


def _keys(client) -> set[str]:
    listed = client.list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listed.get("Contents", [])}


def test_each_county_writes_under_its_own_prefix(object_storage, county, other_county, db):
    with tenant_context(county):
        name_a = default_storage.save("images/banner.png", ContentFile(b"anji banner"))
        url_a = default_storage.url(name_a)
    with tenant_context(other_county):
        name_b = default_storage.save("images/banner.png", ContentFile(b"chunan banner"))

    assert f"{county.schema_name}/{name_a}" in _keys(object_storage)
    assert f"{other_county.schema_name}/{name_b}" in _keys(object_storage)
    assert url_a == f"/media/{county.schema_name}/{name_a}"
    body = object_storage.get_object(Bucket=BUCKET, Key=f"{other_county.schema_name}/{name_b}")
    assert body["Body"].read() == b"chunan banner"


def test_public_media_from_the_bucket_on_its_own_host_only(
    object_storage, county, other_county, county_client, other_county_client, db
):
    with tenant_context(county):
        name = default_storage.save("images/only-anji.png", ContentFile(b"anji only"))
        url = default_storage.url(name)

    response = county_client.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"anji only"
    assert other_county_client.get(url).status_code == 404
    elsewhere = url.replace(county.schema_name, other_county.schema_name)
    assert other_county_client.get(elsewhere).status_code == 404
    assert county_client.get(f"/media/{county.schema_name}/images/missing.png").status_code == 404


def test_a_refund_photo_in_the_bucket_is_still_the_buyers_only(
    object_storage,
    refund_photo,
    buyer,
    other_buyer,
    county,
    county_client,  # noqa: F811
):
    url = f"/refunds/{refund_photo.refund_request_id}/photos/{refund_photo.pk}/"
    assert f"{county.schema_name}/{refund_photo.image.name}" in _keys(object_storage)
    # Not a public name either.
    assert county_client.get(refund_photo.image.url).status_code == 404

    county_client.force_login(other_buyer)
    assert county_client.get(url).status_code == 404
    county_client.force_login(buyer)
    response = county_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
