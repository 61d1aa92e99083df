"""`make run` seeds the demo: it runs twice without duplicating anything, fills
"Regular meetups", draws banners with their variants, and prints every demo login
with links to the host and port the site is served on."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.models import Role, User
from events.management.commands.seed_demo import DEMO_PASSWORD
from events.models import Event, EventSeries, EventStatus

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seed(capsys, django_capture_on_commit_callbacks):
    """Run the seed as `make run` does; what it defers to after commit (image
    variants, with the immediate task backend) runs too."""

    def run() -> str:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo")
        return capsys.readouterr().out

    return run


def test_seed_twice_changes_nothing_and_prints_every_login_with_the_port(
    settings, seed
):
    settings.SITE_URL = "http://127.0.0.1:8821"
    settings.LANGUAGE_CODE = "es"
    first = seed()
    counts = (
        Event.objects.count(),
        EventSeries.objects.count(),
        User.objects.count(),
        Event.objects.filter(banner__isnull=False).values("banner").distinct().count(),
    )
    second = seed()
    assert (
        Event.objects.count(),
        EventSeries.objects.count(),
        User.objects.count(),
        Event.objects.filter(banner__isnull=False).values("banner").distinct().count(),
    ) == counts
    assert "0 new banners" in second and "(0 new)" in second

    for out in (first, second):
        assert "8000" not in out
        for email in (
            "admin@spanglish.local",
            "olivia@example.com",
            "carmen@example.com",
            "lucia@example.com",
        ):
            assert email in out
        assert "spanglish-admin" in out and DEMO_PASSWORD in out
        for role in ("admin", "organizer", "volunteer", "member"):
            assert re.search(rf"^\s+{role}\s+\S+@", out, re.M), role
        assert "Door:       http://127.0.0.1:8821/es/door/start/" in out
        assert "http://127.0.0.1:8821/admin/" in out
    roles = dict(User.objects.values_list("email", "role"))
    assert roles["olivia@example.com"] == Role.ORGANIZER
    assert roles["carmen@example.com"] == Role.VOLUNTEER
    for email in ("olivia@example.com", "carmen@example.com", "lucia@example.com"):
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)


def test_demo_has_regular_meetups_a_paid_event_a_free_social_and_images(client, seed):
    seed()
    now = timezone.now()
    weekly = EventSeries.objects.get(slug="weekly-exchange")
    upcoming = weekly.sessions.filter(starts_at__gt=now, status=EventStatus.PUBLISHED)
    assert upcoming.count() >= 4

    paid = Event.objects.get(slug="everyday-slang-workshop")
    assert paid.price > 0 and paid.starts_at > now
    free = Event.objects.get(slug="walk-in-the-retiro")
    assert free.is_free and free.starts_at > now
    assert Event.objects.filter(
        starts_at__lt=now, status=EventStatus.COMPLETED
    ).exists()

    # Every demo event shows a picture, stored through media with its variants
    # (the immediate task backend makes them when the seed commits).
    assert not Event.objects.filter(banner__isnull=True).exists()
    banner = paid.banner
    assert banner.alt_en == "Banner: Workshop: everyday slang"
    assert banner.width == 1600
    assert {v["format"] for v in banner.variants} >= {"webp", "jpeg"}
    assert weekly.sessions.values("banner").distinct().count() == 1

    html = client.get("/en/series/").content.decode()
    assert "Weekly language exchange" in html
    assert "Conversation club (intermediate)" in html


def make_dry_run(*args: str) -> str:
    """What `make` would run (nothing is executed), from a shell without SITE_URL
    (settings.py put .env's into this process's environment)."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"SITE_URL", "ALLOWED_HOSTS"}
    }
    return subprocess.run(  # noqa: S603 - fixed arguments
        ["make", "-n", *args],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_run_passes_host_and_port_to_the_seed_and_the_server():
    out = make_dry_run("seed", "serve", "PORT=8821")
    assert "SITE_URL=http://127.0.0.1:8821 .venv/bin/python manage.py seed_demo" in out
    assert "runserver 127.0.0.1:8821" in out
    assert re.search(r"SITE_URL=http://127.0.0.1:8821 \S+ manage.py runserver", out)
    assert "8000" not in out

    lan = make_dry_run("serve", "HOST=192.168.1.5", "PORT=9000")
    assert "SITE_URL=http://192.168.1.5:9000" in lan
    assert "ALLOWED_HOSTS=127.0.0.1,localhost,192.168.1.5" in lan
