"""Staging stays out of search engines; no deploy path starts with a default
database password or keeps secrets in the repository."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_staging_copy_tells_search_engines_to_stay_away(client, settings):
    settings.SITE_NOINDEX = True

    page = client.get("/en/")
    robots = client.get("/robots.txt")

    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert robots.status_code == 200
    assert "Disallow: /\n" in robots.content.decode()
    assert robots["X-Robots-Tag"] == "noindex, nofollow"


def test_production_is_indexable_except_admin_and_api(client, settings):
    settings.SITE_NOINDEX = False

    page = client.get("/en/")
    robots = client.get("/robots.txt").content.decode()

    assert "X-Robots-Tag" not in page
    assert "Disallow: /\n" not in robots
    assert "Disallow: /admin/" in robots
    assert "Disallow: /api/" in robots


def test_docker_compose_has_no_default_database_password():
    compose = (ROOT / "docker-compose.yml").read_text()
    uses = re.findall(r"\$\{POSTGRES_PASSWORD([^}]*)\}", compose)

    assert uses  # the database and the app's DATABASE_URL both read it
    assert all(use.startswith(":?") for use in uses), uses


def test_no_environment_file_with_secrets_is_tracked():
    tracked = subprocess.run(
        ["git", "ls-files"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()

    assert [name for name in tracked if re.search(r"(^|/|\.)env$", name)] == []
