"""Issue 13 review, from the attacker's side: one IPv6 client rotates through the
addresses of its /64 (every home and phone gets one) to slip past per-IP limits."""

import pytest
from django.test import RequestFactory

from events.tests.factories import EventFactory
from spanglish.ratelimit import client_rate_key, rate_limit_exceeded
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def book_from(api_client, event, n, ip):
    return api_client.post(
        "/api/tickets",
        {
            "event": str(event.pk),
            "attendee_name": "Bot",
            "attendee_email": f"bot{n}@example.com",
        },
        REMOTE_ADDR=ip,
    )


def test_twelve_addresses_of_one_ipv6_64_share_one_booking_limit(api_client, settings):
    settings.BOOKING_RATE_LIMIT_PER_IP = 10
    event = EventFactory(capacity=50)
    statuses = [
        book_from(api_client, event, i, f"2001:db8:1:2::{i + 1:x}").status_code
        for i in range(12)
    ]
    assert statuses == [202] * 10 + [429] * 2
    assert Ticket.objects.filter(event=event).count() == 10


def test_rotating_the_interface_id_does_not_reset_the_count():
    factory = RequestFactory()
    limited = [
        rate_limit_exceeded(
            request=factory.get("/", REMOTE_ADDR=f"2001:db8:1:2:{i:x}:dead:beef:{i:x}"),
            scope="probe",
            limit=10,
            window=600,
        )
        for i in range(12)
    ]
    assert limited == [False] * 10 + [True] * 2


def test_two_different_64s_are_counted_apart():
    factory = RequestFactory()
    for n in range(10):
        assert not rate_limit_exceeded(
            request=factory.get("/", REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}"),
            scope="probe",
            limit=10,
            window=600,
        )
    # Next /64 over (a neighbour, another customer of the same provider).
    assert not rate_limit_exceeded(
        request=factory.get("/", REMOTE_ADDR="2001:db8:1:3::1"),
        scope="probe",
        limit=10,
        window=600,
    )


def test_ipv4_clients_are_still_counted_by_address():
    assert client_rate_key("203.0.113.7") == "203.0.113.7"
    assert client_rate_key("203.0.113.7") != client_rate_key("203.0.113.8")
    # An IPv4 client seen through a dual-stack socket is the same client.
    assert client_rate_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_rate_key("2001:db8:1:2::1") == client_rate_key("2001:db8:1:2:ffff::9")
    assert client_rate_key("") == "unknown"
