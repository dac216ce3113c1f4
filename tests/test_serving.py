"""Serving as in production: `make serve` refuses an unsafe start; static files are cached for ever."""

import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"], ids=["no key", "no hosts"]
)
def test_make_serve_refuses_to_start_without_a_key_and_hosts(missing):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SECRET_KEY="k" * 64, DJANGO_ALLOWED_HOSTS="www.example-practice.test")
    del env[missing]
    result = subprocess.run(
        ["/bin/bash", "deploy/serve.sh"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert missing in result.stderr


@pytest.mark.django_db
def test_hashed_static_files_are_cached_for_a_year_and_immutable(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.DEBUG = False
    call_command("collectstatic", "--no-input", verbosity=0)
    hashed = next(path.name for path in (tmp_path / "css").glob("site.*.css"))

    response = Client().get(f"/static/css/{hashed}")  # a new client: WhiteNoise reads STATIC_ROOT

    assert response.status_code == 200
    control = response["Cache-Control"]
    assert "max-age=315360000" in control and "immutable" in control
    unhashed = Client().get("/static/css/site.css")
    assert "immutable" not in unhashed.get("Cache-Control", "")
