"""Media on S3-compatible storage: against moto's S3 server on loopback, not a mock of our own."""

import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import requests
from bs4 import BeautifulSoup

from tests import factories, processes

pytestmark = pytest.mark.django_db

BUCKET = "practice-media"
MOTO_SERVER = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")


@pytest.fixture
def s3_endpoint(monkeypatch):
    port = processes.free_port()
    process = subprocess.Popen(
        [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        # Listening is enough: its first answer can take seconds on a busy machine.
        processes.wait_for_port(port, seconds=30, what="moto_server")
    except RuntimeError:
        process.kill()
        raise
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def media_on_s3(settings, s3_endpoint):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "file_overwrite": False,
                "default_acl": "public-read",
                "querystring_auth": False,
            },
        },
    }
    return s3_endpoint


def test_an_uploaded_image_and_its_renditions_live_in_s3(client, home, media_on_s3):
    index = factories.LocationIndexPageFactory(parent=home, slug="locations")
    photo = factories.wagtail_factories.ImageFactory(title="Clinic front door")
    clinic = factories.LocationPageFactory(parent=index, slug="stamford", photo=photo)

    objects = boto3.client("s3", endpoint_url=media_on_s3, region_name="us-east-1")
    keys = [item["Key"] for item in objects.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert any(key.startswith("original_images/") for key in keys)

    page = BeautifulSoup(client.get(clinic.url).content, "html.parser")
    img = page.select_one("main picture img")
    assert img["src"].startswith(f"{media_on_s3}/{BUCKET}/images/")
    rendition = requests.get(img["src"], timeout=10)
    assert rendition.status_code == 200
    assert rendition.headers["Content-Type"].startswith("image/")
