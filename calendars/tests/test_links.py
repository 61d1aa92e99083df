from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from calendars.links import google_link, outlook_link
from events.models import Event


def _event(**kwargs):
    defaults = {
        "public_id": "k3m9q2",
        "slug": "tapas-talk",
        "title_en": "Tapas & talk: 50% off? #1",
        "title_es": "Tapas y charla",
        "description_en": "Line one\nLine two + more",
        "starts_at": datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 3, 29, 2, 0, tzinfo=UTC),
        "venue_name": "Café Central",
        "venue_address": "Plaza Mayor 1, Madrid",
    }
    return Event(**(defaults | kwargs))


def _query(url: str) -> dict:
    return {
        k: v[0] for k, v in parse_qs(urlsplit(url).query, strict_parsing=True).items()
    }


def test_google_link_decodes_to_the_event_fields(settings):
    settings.SITE_URL = "https://spanglish.example"
    url = google_link(_event(), language="en")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    q = _query(url)
    assert q["action"] == "TEMPLATE"
    assert q["text"] == "Tapas & talk: 50% off? #1"
    assert q["dates"] == "20260328T230000Z/20260329T020000Z"
    assert q["location"] == "Café Central, Plaza Mayor 1, Madrid"
    assert q["details"].startswith("Line one\nLine two + more")
    assert q["details"].endswith("https://spanglish.example/en/events/tapas-talk/")
    assert " " not in url and "+" not in parts.query.replace("%2B", "")


def test_google_link_uses_the_requested_language():
    assert _query(google_link(_event(), language="es"))["text"] == "Tapas y charla"


def test_outlook_links_for_outlook_com_and_office_365_decode_to_the_event_fields():
    live = outlook_link(_event(), language="en")
    office = outlook_link(_event(), language="en", account="office")
    assert urlsplit(live).netloc == "outlook.live.com"
    assert urlsplit(office).netloc == "outlook.office.com"
    for url in (live, office):
        assert urlsplit(url).path == "/calendar/0/action/compose"
        q = _query(url)
        assert q["rru"] == "addevent"
        assert q["subject"] == "Tapas & talk: 50% off? #1"
        assert q["startdt"] == "2026-03-28T23:00:00Z"
        assert q["enddt"] == "2026-03-29T02:00:00Z"
        assert q["location"] == "Café Central, Plaza Mayor 1, Madrid"
        assert q["body"].startswith("Line one\nLine two + more")
        # Spaces as %20: Outlook shows a "+" literally otherwise.
        assert "+" not in urlsplit(url).query


def test_links_are_in_utc_whatever_the_event_zone():
    from zoneinfo import ZoneInfo

    madrid = ZoneInfo("Europe/Madrid")
    event = _event(
        starts_at=datetime(2026, 10, 24, 19, 0, tzinfo=madrid),
        ends_at=datetime(2026, 10, 26, 19, 0, tzinfo=madrid),
    )
    assert _query(google_link(event, language="en"))["dates"] == (
        "20261024T170000Z/20261026T180000Z"
    )
