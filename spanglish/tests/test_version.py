"""One release number: pyproject, the OpenAPI document and backup manifests agree."""

import tomllib
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from operations.backup.archive import app_version

ROOT = Path(__file__).resolve().parents[2]


def _pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_every_place_that_reports_a_version_reports_the_pyproject_one(
    client, monkeypatch
):
    # An image built with another APP_VERSION build argument must not make the
    # manifest disagree with the API document.
    monkeypatch.setenv("APP_VERSION", "some-image-tag")
    version = _pyproject_version()
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").json()

    assert version == settings.APP_VERSION
    assert schema["info"]["version"] == version
    assert app_version() == version
