"""Leaving the waiting list (issue 18): from the event page (members, and guests
whose browser opened their emailed link), from the offer email and from the new
"you're on the list" email; and what an attacker can and cannot do with it."""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from community.models import AuditLog
from community.tests.factories import UserFactory
from emails.models import EmailLog, EmailStatus
from events.tests.factories import EventFactory
from tickets import services
from tickets.links import (
    entry_id_from_leave_token,
    offer_token,
    waitlist_leave_token,
    waitlist_leave_url,
)
from tickets.models import WaitingListEntry, WaitlistStatus
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

LEAVE_LINK = re.compile(r"https?://[^\s\"<>]+/waitlist/leave/[^\s\"<>]+/")


def _full_event(**kwargs):
    event = EventFactory(capacity=1, **kwargs)
    holder = TicketFactory(event=event)
    return event, holder


def _join(event, user=None, **kwargs):
    entry, created = services.waitlist_join(
        event=event, user=user or UserFactory(), **kwargs
    )
    assert created
    return entry


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _leave_url(event):
    return reverse("tickets:waitlist-leave", kwargs={"event_id": event.pk})


def _shown(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- The service --------------------------------------------------------------------


def test_leaving_takes_the_person_off_the_list_and_is_audited(member):
    event, _holder = _full_event()
    entry = _join(event, member)
    entry, left = services.waitlist_leave(entry=entry, actor=member, via="event_page")
    assert left and entry.status == WaitlistStatus.CANCELLED
    audit = AuditLog.objects.get(action="waitlist.left")
    assert audit.actor == member and audit.target_id == str(entry.pk)
    assert audit.changes == {"status": ["waiting", "cancelled"], "via": "event_page"}


def test_leaving_twice_changes_nothing_the_second_time(member):
    event, _holder = _full_event()
    entry = _join(event, member)
    services.waitlist_leave(entry=entry, actor=member)
    entry, left = services.waitlist_leave(entry=entry, actor=member)
    assert not left and entry.status == WaitlistStatus.CANCELLED
    assert AuditLog.objects.filter(action="waitlist.left").count() == 1


def test_leaving_with_an_open_offer_passes_the_seat_to_the_next_person(
    django_capture_on_commit_callbacks, mailoutbox
):
    event, holder = _full_event()
    first, second = _join(event), _join(event)
    services.ticket_cancel(ticket=holder)
    first.refresh_from_db()
    assert first.status == WaitlistStatus.OFFERED
    with django_capture_on_commit_callbacks(execute=True):
        services.waitlist_leave(entry=first, via="email_link")
    second.refresh_from_db()
    assert second.status == WaitlistStatus.OFFERED
    assert [m.to for m in mailoutbox] == [[second.email]]
    assert "A seat is free for you" in mailoutbox[0].subject
    # Nobody else can take the seat kept for the second person.
    with pytest.raises(services.SoldOut):
        services.ticket_book(event=event, user=UserFactory())


def test_an_entry_that_booked_stays_booked(member):
    event, holder = _full_event()
    entry = _join(event, member)
    services.ticket_cancel(ticket=holder)
    entry.refresh_from_db()
    services.ticket_book(event=event, user=member, waitlist_entry=entry)
    entry, left = services.waitlist_leave(entry=entry, actor=member)
    assert not left and entry.status == WaitlistStatus.BOOKED


# --- The "you're on the list" email ----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("en", "You're on the waiting list: Exchange", "Leave the waiting list"),
        ("es", "Estás en la lista de espera: Intercambio", "Sal de la lista de espera"),
    ],
)
def test_joining_sends_the_on_the_list_email_in_the_members_language(
    django_capture_on_commit_callbacks, mailoutbox, language, subject, line
):
    event, _holder = _full_event()
    user = UserFactory(language=language)
    with django_capture_on_commit_callbacks(execute=True):
        entry = _join(event, user)
    [message] = mailoutbox
    assert message.to == [user.email]
    assert message.subject.startswith(subject)
    assert line in message.body
    [link] = LEAVE_LINK.findall(message.body)
    # The link names this entry (its timestamp is the second it was signed).
    assert entry_id_from_leave_token(link.rstrip("/").rsplit("/", 1)[1]) == str(
        entry.pk
    )
    html = message.alternatives[0][0]
    assert f'lang="{language}"' in html and link in html
    log = EmailLog.objects.get(template="waitlist_joined")
    assert log.status == EmailStatus.SENT and log.topic == f"event:{event.pk}"


def test_offer_email_links_to_leaving_and_the_link_works(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    event, holder = _full_event()
    entry = _join(event)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_cancel(ticket=holder)
    [offer] = [m for m in mailoutbox if "A seat is free" in m.subject]
    assert "the seat goes to the next person at once" in offer.body
    [link] = LEAVE_LINK.findall(offer.body)
    page = client.get(_path(link))
    assert page.status_code == 200
    assert "A seat is kept for you right now" in page.text
    client.post(_path(link))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.CANCELLED


def test_guest_who_typed_an_address_again_gets_the_email_again_but_not_often(
    django_capture_on_commit_callbacks, mailoutbox, member
):
    event, _holder = _full_event()
    with django_capture_on_commit_callbacks(execute=True):
        _join(event, member)
        for _ in range(3):
            services.waitlist_join(event=event, user=member, by_email_only=True)
    assert [m.subject for m in mailoutbox].count(mailoutbox[0].subject) == 2


# --- From the event page ----------------------------------------------------------------


def test_member_leaves_from_the_event_page(client, member):
    event, _holder = _full_event()
    entry = _join(event, member)
    client.force_login(member)
    page = client.get(event.get_absolute_url()).text
    assert (
        "You&#x27;re on the waiting list" in page
        or "You're on the waiting list" in page
    )
    assert f'href="{_leave_url(event)}"' in page
    confirm = client.get(_leave_url(event))
    assert confirm.status_code == 200 and "Leave the waiting list?" in confirm.text
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING  # asking changes nothing
    response = client.post(_leave_url(event), follow=True)
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert "You have left the waiting list" in _shown(response)
    assert "Join the waiting list" in response.text
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.CANCELLED
    assert AuditLog.objects.get(action="waitlist.left").changes["via"] == "event_page"


def test_guest_leaves_with_the_link_from_the_email(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    event, _holder = _full_event()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("tickets:waitlist-join", kwargs={"event_id": event.pk}),
            {"name": "Guest", "email": "guest@example.com"},
        )
    entry = WaitingListEntry.objects.get(email="guest@example.com")
    [link] = LEAVE_LINK.findall(mailoutbox[0].body)
    # The guest opens the link in another browser: asked first, nothing changed.
    guest = Client()
    page = guest.get(_path(link))
    assert page.status_code == 200 and "Leave the waiting list?" in page.text
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING
    # That browser's event page now knows the entry, with its "leave it".
    assert f'href="{_leave_url(event)}"' in guest.get(event.get_absolute_url()).text
    response = guest.post(_path(link), follow=True)
    assert "You have left the waiting list" in _shown(response)
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.CANCELLED
    assert AuditLog.objects.get(action="waitlist.left").changes["via"] == "email_link"
    # Once more: nothing to do, and said so.
    again = guest.post(_path(link), follow=True)
    assert "You are not on the waiting list any more." in _shown(again)


def test_leave_page_speaks_spanish(client, member):
    event, _holder = _full_event()
    _join(event, member)
    client.force_login(member)
    with translation.override("es"):
        url = _leave_url(event)
    page = client.get(url)
    assert "¿Salir de la lista de espera?" in page.text
    assert "Sí, salir de la lista de espera" in page.text


# --- What an attacker can't do --------------------------------------------------------


def test_tampered_link_is_a_404_that_says_so(client):
    event, _holder = _full_event()
    entry = _join(event)
    token = waitlist_leave_token(entry)
    other = _join(event)
    forged = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # altered signature
        waitlist_leave_token(other).split(":")[0] + ":" + token.split(":", 1)[1],
        offer_token(entry),  # a token of another kind
        "nonsense",
    ]
    for bad in forged:
        url = reverse("tickets:waitlist-leave-link", kwargs={"token": bad})
        assert client.get(url).status_code == 404
        response = client.post(url)
        assert response.status_code == 404
        assert "This link does not work" in response.text
    entry.refresh_from_db()
    other.refresh_from_db()
    assert entry.status == other.status == WaitlistStatus.WAITING


def test_expired_link_is_refused(client, monkeypatch, settings):
    event, _holder = _full_event()
    entry = _join(event)
    issued = time.time() - (settings.TICKET_LINK_DAYS + 1) * 86400
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: issued)
        token = waitlist_leave_token(entry)
    url = reverse("tickets:waitlist-leave-link", kwargs={"token": token})
    assert client.post(url).status_code == 404
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_member_cannot_leave_someone_elses_entry(client, member):
    event, _holder = _full_event()
    someone = _join(event)
    client.force_login(member)
    page = client.get(_leave_url(event))
    assert page.status_code == 404 and "You are not on this waiting list" in page.text
    response = client.post(_leave_url(event), follow=True)
    assert "You are not on the waiting list any more." in _shown(response)
    someone.refresh_from_db()
    assert someone.status == WaitlistStatus.WAITING
    assert not AuditLog.objects.filter(action="waitlist.left").exists()


def test_a_link_opened_for_one_event_leaves_nothing_on_another(client):
    event, _holder = _full_event()
    other_event, _ = _full_event()
    entry = _join(event)
    other_entry = _join(other_event)
    client.get(_path(waitlist_leave_url(entry)))  # remembered for `event` only
    client.post(_leave_url(other_event))
    other_entry.refresh_from_db()
    assert other_entry.status == WaitlistStatus.WAITING


def test_leaving_needs_the_pages_csrf_token(member):
    event, _holder = _full_event()
    entry = _join(event, member)
    browser = Client(enforce_csrf_checks=True)
    link = _path(waitlist_leave_url(entry))
    assert browser.post(link).status_code == 403
    browser.force_login(member)
    assert browser.post(_leave_url(event)).status_code == 403
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING
    # With the token the confirmation page carries, it goes through.
    page = browser.get(link)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    assert browser.post(link, {"csrfmiddlewaretoken": csrf}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.CANCELLED


def test_unknown_or_unpublished_event_is_a_404(client, member):
    event, _holder = _full_event(status="draft")
    client.force_login(member)
    assert client.get(_leave_url(event)).status_code == 404
    assert client.post(_leave_url(event)).status_code == 404
    missing = reverse(
        "tickets:waitlist-leave",
        kwargs={"event_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert client.post(missing).status_code == 404


def test_other_methods_are_refused(client, member):
    event, _holder = _full_event()
    entry = _join(event, member)
    client.force_login(member)
    assert client.put(_leave_url(event)).status_code == 405
    link = _path(waitlist_leave_url(entry))
    assert client.delete(link).status_code == 405
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_offer_page_on_the_event_page_offers_the_seat_and_leaving(client, member):
    event, holder = _full_event()
    entry = _join(event, member)
    services.ticket_cancel(ticket=holder)
    client.force_login(member)
    page = client.get(event.get_absolute_url()).text
    assert "A seat is kept for you until" in page
    assert "Take the seat" in page and f'href="{_leave_url(event)}"' in page
    entry.refresh_from_db()
    assert entry.offer_expires_at > timezone.now() + timedelta(hours=1)
