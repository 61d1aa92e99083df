"""The admin as organizers meet it: events upcoming first, statuses in colour,
money as people read it, technical details for admins only, Spanglish's name."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from events.models import EventStatus
from events.tests.factories import EventFactory
from payments.models import Payment, PaymentNotification, PaymentStatus, Provider
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}
ES = {"Accept-Language": "es"}


def _titles(response) -> list[str]:
    return [row.title for row in response.context["cl"].result_list]


@pytest.fixture
def timeline():
    now = timezone.now()

    def event(title, days, **fields):
        starts = now + timedelta(days=days)
        return EventFactory(
            title_en=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            **fields,
        )

    return {
        "later": event("Later", 20),
        "soon": event("Soon", 1),
        "now": event("Going on now", -0.05),
        "last_week": event("Last week", -7, status=EventStatus.COMPLETED),
        "last_month": event("Last month", -30, status=EventStatus.COMPLETED),
    }


def test_events_list_upcoming_soonest_first_by_default(client, organizer, timeline):
    client.force_login(organizer)
    response = client.get(reverse("admin:events_event_changelist"), headers=EN)
    assert _titles(response) == ["Going on now", "Soon", "Later"]
    page = response.content.decode()
    assert 'href="?when=past"' in page and 'href="?when=all"' in page


def test_past_events_latest_first_and_all_upcoming_then_past(
    client, organizer, timeline
):
    client.force_login(organizer)
    url = reverse("admin:events_event_changelist")
    past = client.get(f"{url}?when=past", headers=EN)
    assert _titles(past) == ["Last week", "Last month"]
    everything = client.get(f"{url}?when=all", headers=EN)
    assert _titles(everything) == [
        "Going on now",
        "Soon",
        "Later",
        "Last week",
        "Last month",
    ]


def test_searching_finds_past_events_too(client, organizer, timeline):
    client.force_login(organizer)
    url = reverse("admin:events_event_changelist")
    assert _titles(client.get(f"{url}?q=Last", headers=EN)) == [
        "Last week",
        "Last month",
    ]
    # A column the organizer sorts by wins over the default order.
    upcoming = client.get(f"{url}?o=-2", headers=EN)  # starts at, latest first
    assert _titles(upcoming) == ["Later", "Soon", "Going on now"]


def test_statuses_are_badges_with_words(client, organizer, timeline):
    EventFactory(title_en="Draft one", status=EventStatus.DRAFT)
    client.force_login(organizer)
    page = client.get(reverse("admin:events_event_changelist"), headers=ES)
    html = page.content.decode()
    assert '<span class="status-badge status-badge--warning">Borrador</span>' in html
    assert '<span class="status-badge status-badge--success">Publicado' in html


@pytest.fixture
def paid():
    ticket = TicketFactory(event=EventFactory(title_en="Salsa", price=Decimal("15")))
    payment = Payment.objects.create(
        payable_kind="ticket",
        payable_id=str(ticket.pk),
        event=ticket.event,
        provider=Provider.STRIPE,
        amount=Decimal("15.00"),
        currency="EUR",
        status=PaymentStatus.SUCCEEDED,
        provider_payment_id="pi_secret_looking_1",
        raw={"id": "pi_secret_looking_1", "livemode": False},
    )
    PaymentNotification.objects.create(
        provider=Provider.STRIPE,
        event_id="evt_123",
        event_type="checkout.session.completed",
        payment=payment,
        payload={"signature_checked": True},
    )
    return payment


def test_money_in_lists_reads_as_in_each_language(client, organizer, paid):
    client.force_login(organizer)
    url = reverse("admin:payments_payment_changelist")
    assert "€15.00" in client.get(url, headers=EN).content.decode()
    assert "15,00\xa0€" in client.get(url, headers=ES).content.decode()


def test_technical_details_are_for_admins_only(client, organizer, admin_user, paid):
    url = reverse("admin:payments_payment_change", args=[paid.pk])
    client.force_login(organizer)
    page = client.get(url, headers=EN).content.decode()
    assert "Technical details" not in page
    assert "pi_secret_looking_1" not in page and "livemode" not in page
    assert "evt_123" not in page and "signature_checked" not in page
    assert "Salsa" in page and "€15.00" in page

    client.force_login(admin_user)
    page = client.get(url, headers=EN).content.decode()
    details = re.search(
        r'<fieldset class="module aligned collapse".*?</fieldset>', page, re.S
    )
    assert details and "Technical details" in details.group(0)
    assert "pi_secret_looking_1" in details.group(0) and "livemode" in details.group(0)
    assert "evt_123" in page  # the webhook inline, admins only


def test_organizers_lists_leave_technical_columns_out(
    client, organizer, admin_user, paid
):
    url = reverse("admin:payments_paymentnotification_changelist")
    client.force_login(organizer)
    assert 'class="field-event_id"' not in client.get(url).content.decode()
    client.force_login(admin_user)
    assert '<td class="field-event_id">evt_123</td>' in client.get(url).content.decode()


def test_organizers_do_not_see_what_an_email_said(client, organizer, admin_user):
    from emails.models import EmailLog

    log = EmailLog.objects.create(
        to_email="ana@example.com",
        template="tickets/confirmation",
        language="es",
        subject="Tu entrada",
        body_text="Your private link",
        headers={"X-Secret": "1"},
    )
    url = reverse("admin:emails_emaillog_change", args=[log.pk])
    client.force_login(organizer)
    page = client.get(url, headers=EN).content.decode()
    assert "ana@example.com" in page and "Spanish" in page  # language by name
    assert "Your private link" not in page and "X-Secret" not in page
    client.force_login(admin_user)
    page = client.get(url, headers=EN).content.decode()
    assert "Your private link" in page and "X-Secret" in page


def test_yes_and_no_icons_speak_the_readers_language(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:community_user_changelist"), headers=ES)
    html = page.content.decode()
    assert 'alt="Sí"' in html and 'alt="True"' not in html


def test_group_permissions_are_named_in_spanish(client, admin_user):
    group = Group.objects.get_or_create(name="Organizers")[0]
    client.force_login(admin_user)
    page = client.get(reverse("admin:auth_group_change", args=[group.pk]), headers=ES)
    html = page.content.decode()
    assert "Eventos | evento | Puede añadir" in html
    assert "Can add" not in html


def test_deleting_a_group_lists_no_join_table_rows(client, admin_user):
    group = Group.objects.get_or_create(name="Organizers")[0]
    client.force_login(admin_user)
    page = client.get(reverse("admin:auth_group_delete", args=[group.pk]), headers=EN)
    html = page.content.decode()
    assert "Organizers" in html
    assert "relationship" not in html and "Group_permissions object" not in html


def test_the_site_is_called_spanglish(client, organizer):
    client.force_login(organizer)
    page = client.get(reverse("admin:index"), headers=ES).content.decode()
    assert '<div id="site-name"><a href="/admin/">Spanglish</a></div>' in page
    assert "| Spanglish</title>" in page
    assert "admin-theme/admin.css" in page


# --- The theme's colours: readable in both themes --------------------------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_badge_colour_pair_meets_wcag_aa_in_light_and_dark():
    css = (Path(settings.BASE_DIR) / "static/admin-theme/admin.css").read_text()
    blocks = re.findall(r"\{([^{}]*--sg-success-fg:[^{}]*)\}", css)
    assert len(blocks) == 3  # light, dark by preference, dark by choice
    for block in blocks:
        colours = dict(re.findall(r"--sg-(\w+-(?:fg|bg)):\s*(#[0-9a-fA-F]{6})", block))
        for tone in ("success", "info", "warning", "danger", "neutral"):
            ratio = _contrast(colours[f"{tone}-fg"], colours[f"{tone}-bg"])
            assert ratio >= 4.5, (tone, ratio)


def test_the_admin_switches_language_from_its_header(client, organizer):
    client.force_login(organizer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(reverse("admin:events_event_changelist")).content.decode()
    assert 'name="language" value="en" lang="en">English</button>' in page
    switched = client.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("admin:events_event_changelist")},
    )
    assert switched.status_code == 302
    assert switched.url == reverse("admin:events_event_changelist")
    page = client.get(switched.url).content.decode()
    assert "Select event to change" in page
    assert 'name="language" value="es" lang="es">Español</button>' in page
