"""Whole public pages shared between visitors (events/page_cache.py): each visitor
gets their own CSRF token and nonce, members and bookers their own page."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.page_cache import csrf_marker, nonce_marker
from events.tests.factories import EventFactory
from tickets.links import ticket_manage_url
from tickets.models import Ticket
from tickets.services import ticket_book

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs)


def detail(event, lang="en"):
    return url("events:detail", lang=lang, slug=event.slug)


def assert_no_markers(html: str) -> None:
    assert csrf_marker() not in html
    assert nonce_marker() not in html


def test_two_visitors_share_the_page_but_never_a_csrf_token():
    event = EventFactory(title_en="Tapas night")
    first, second = Client(), Client()
    a = first.get(detail(event))
    b = second.get(detail(event))
    assert a["X-Page-Cache"] == b["X-Page-Cache"] == "shared"
    token_a = TOKEN.search(a.content.decode()).group(1)
    token_b = TOKEN.search(b.content.decode()).group(1)
    # Each token belongs to that browser's own CSRF cookie, not the other's.
    secret_a = first.cookies["csrftoken"].value
    secret_b = second.cookies["csrftoken"].value
    assert secret_a != secret_b
    assert _unmask_cipher_token(token_a) == secret_a
    assert _unmask_cipher_token(token_b) == secret_b
    for response in (a, b):
        html = response.content.decode()
        assert "Tapas night" in html
        assert_no_markers(html)


def test_every_nonce_in_a_shared_page_is_the_one_in_its_header():
    event = EventFactory()
    for path in (url("events:home"), url("events:list"), detail(event)):
        for client in (Client(), Client()):
            response = client.get(path)
            assert response["X-Page-Cache"] == "shared"
            html = response.content.decode()
            assert_no_markers(html)
            policy = response["Content-Security-Policy"]
            for nonce in re.findall(r'nonce="([^"]*)"', html):
                assert f"'nonce-{nonce}'" in policy
            # Scripts without a nonce must be the site's own files.
            for tag in re.findall(r"<script[^>]*>", html):
                assert 'nonce="' in tag or 'src="/static/' in tag, tag


def test_booking_through_a_shared_page_passes_the_csrf_check():
    event = EventFactory(capacity=5)
    browser = Client(enforce_csrf_checks=True)
    Client().get(detail(event))  # someone else filled the cache
    page = browser.get(detail(event))
    assert page["X-Page-Cache"] == "shared"
    token = TOKEN.search(page.content.decode()).group(1)

    response = browser.post(
        url("tickets:book", event_id=event.pk),
        {"csrfmiddlewaretoken": token, "name": "Ana", "email": "ana@example.com"},
    )
    assert response.status_code == 302
    assert Ticket.objects.filter(event=event, attendee_email="ana@example.com").exists()
    # Now the browser has a session: its page is its own, saying where the ticket went.
    after = browser.get(detail(event))
    assert "X-Page-Cache" not in after
    assert "ana@example.com" in after.content.decode()


def test_a_token_from_the_shared_page_is_refused_without_its_cookie():
    event = EventFactory(capacity=5)
    page = Client().get(detail(event))
    token = TOKEN.search(page.content.decode()).group(1)
    stranger = Client(enforce_csrf_checks=True)
    response = stranger.post(
        url("tickets:book", event_id=event.pk),
        {"csrfmiddlewaretoken": token, "name": "Eve", "email": "eve@example.com"},
    )
    assert response.status_code == 403
    assert not Ticket.objects.filter(event=event).exists()


def test_seats_left_update_on_the_shared_page_after_a_booking(
    member, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=5)
    assert "5 seats left" in Client().get(detail(event)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # as its commit does
        ticket_book(event=event, user=member)
    page = Client().get(detail(event))
    assert page["X-Page-Cache"] == "shared"
    assert "4 seats left" in page.content.decode()


def test_signed_in_member_gets_their_menu_not_the_shared_page(member):
    event = EventFactory()
    for path in (url("events:home"), url("events:list"), detail(event)):
        Client().get(path)  # the shared copy exists
        client = Client()
        client.force_login(member)
        response = client.get(path)
        html = response.content.decode()
        assert "X-Page-Cache" not in response
        assert "My tickets" in html
        assert "Sign out" in html
        assert "Sign in" not in html
        # And the shared page never shows a member's menu.
        anonymous = Client().get(path).content.decode()
        assert "My tickets" not in anonymous
        assert "Sign in" in anonymous


def test_member_with_a_ticket_sees_it_over_the_shared_page(member):
    event = EventFactory()
    Client().get(detail(event))
    ticket_book(event=event, user=member)
    client = Client()
    client.force_login(member)
    assert "Show my ticket" in client.get(detail(event)).content.decode()
    assert "Show my ticket" not in Client().get(detail(event)).content.decode()


def test_guest_who_opened_their_ticket_link_sees_it_on_the_event_page():
    event = EventFactory()
    Client().get(detail(event))
    guest = Client()
    guest.post(
        url("tickets:book", event_id=event.pk),
        {"name": "Ana", "email": "ana@example.com"},
    )
    ticket = Ticket.objects.get(event=event, attendee_email="ana@example.com")
    guest.get(ticket_manage_url(ticket).removeprefix("http://testserver"))
    page = guest.get(detail(event))
    assert "X-Page-Cache" not in page
    assert "Show my ticket" in page.content.decode()
    assert "Show my ticket" not in Client().get(detail(event)).content.decode()


def test_a_flash_message_is_shown_to_its_visitor_only(member):
    event = EventFactory(capacity=5)
    browser = Client()
    browser.post(
        url("tickets:book", event_id=event.pk),
        {"name": "Ana", "email": "ana@example.com"},
        follow=True,
    )
    assert "ana@example.com" not in Client().get(detail(event)).content.decode()


def test_each_language_has_its_own_shared_page():
    event = EventFactory(title_es="Noche de tapas", title_en="Tapas night")
    assert "Tapas night" in Client().get(detail(event)).content.decode()
    spanish = Client().get(detail(event, lang="es")).content.decode()
    assert "Noche de tapas" in spanish
    assert 'lang="es"' in spanish


def test_junk_query_strings_are_rendered_not_stored():
    event = EventFactory()
    response = Client().get(detail(event) + "?utm_source=x")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert Client().get(url("events:list") + "?page=2")["X-Page-Cache"] == "shared"
    assert "X-Page-Cache" not in Client().get(url("events:list") + "?page=abc")


def test_missing_event_is_a_404_on_the_shared_path():
    assert Client().get(url("events:detail", slug="nope")).status_code == 404


def test_shared_event_page_needs_no_query_once_cached(django_assert_num_queries):
    event = EventFactory()
    Client().get(detail(event))
    with django_assert_num_queries(0):
        assert Client().get(detail(event)).status_code == 200
