from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from community.models import AuditLog
from events.models import EventSeries
from events.tests.factories import EventFactory
from passes import services
from passes.models import PassUse
from passes.selectors import usable_pass_for
from passes.services import PassNotUsable
from passes.tests.factories import PassFactory, PassProductFactory
from tickets import services as ticket_services
from tickets.models import PaymentMethod, TicketStatus
from tickets.payables import ticket_payments


def _paid_event(**kwargs):
    return EventFactory(price=Decimal("10.00"), **kwargs)


@pytest.fixture
def series(db):
    return EventSeries.objects.create(
        slug="intercambio",
        title_en="Intercambio Tuesdays",
        start_date=timezone.localdate(),
        start_time=time(19, 0),
    )


def test_booking_with_a_pass_confirms_without_paying_and_spends_a_session(member):
    pass_purchase = PassFactory(user=member)
    event = _paid_event()
    ticket = services.pass_book_session(pass_=pass_purchase, event=event, user=member)
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.payment_method == PaymentMethod.PASS
    assert ticket.amount_due == 0
    assert not ticket_payments(ticket).exists()
    pass_purchase.refresh_from_db()
    assert pass_purchase.sessions_left == 4
    assert PassUse.objects.get().ticket == ticket
    assert AuditLog.objects.filter(action="pass.used", actor=member).exists()


def test_booking_twice_returns_the_same_ticket_and_spends_once(member):
    pass_purchase = PassFactory(user=member)
    event = _paid_event()
    first = services.pass_book_session(pass_=pass_purchase, event=event, user=member)
    second = services.pass_book_session(pass_=pass_purchase, event=event, user=member)
    assert first.pk == second.pk
    assert pass_purchase.sessions_left == 4


def test_a_pass_with_no_sessions_left_is_refused(member):
    pass_purchase = PassFactory(user=member, product=PassProductFactory(sessions=1))
    services.pass_book_session(pass_=pass_purchase, event=_paid_event(), user=member)
    with pytest.raises(PassNotUsable, match="no sessions left"):
        services.pass_book_session(
            pass_=pass_purchase, event=_paid_event(), user=member
        )
    assert usable_pass_for(member, _paid_event()) is None


def test_an_expired_pass_or_one_expiring_before_the_session_is_refused(member):
    now = timezone.now()
    expired = PassFactory(
        user=member,
        activated_at=now - timedelta(days=91),
        expires_at=now - timedelta(days=1),
    )
    with pytest.raises(PassNotUsable, match="expires"):
        services.pass_book_session(pass_=expired, event=_paid_event(), user=member)
    short = PassFactory(user=member, expires_at=now + timedelta(days=1))
    late_event = _paid_event(starts_at=now + timedelta(days=2))
    with pytest.raises(PassNotUsable, match="expires"):
        services.pass_book_session(pass_=short, event=late_event, user=member)
    assert usable_pass_for(member, late_event) is None


def test_a_series_pass_covers_only_its_series(member, series):
    pass_purchase = PassFactory(user=member, product=PassProductFactory(series=series))
    other = _paid_event()
    with pytest.raises(PassNotUsable, match="does not cover"):
        services.pass_book_session(pass_=pass_purchase, event=other, user=member)
    session = _paid_event(series=series, occurrence_date=timezone.localdate())
    assert usable_pass_for(member, session) == pass_purchase
    ticket = services.pass_book_session(pass_=pass_purchase, event=session, user=member)
    assert ticket.status == TicketStatus.CONFIRMED


def test_someone_elses_pass_is_refused(member, volunteer):
    pass_purchase = PassFactory(user=volunteer)
    with pytest.raises(PassNotUsable, match="someone else"):
        services.pass_book_session(
            pass_=pass_purchase, event=_paid_event(), user=member
        )


def test_the_pass_expiring_soonest_is_used_first(member):
    later = PassFactory(user=member)
    sooner = PassFactory(user=member, expires_at=timezone.now() + timedelta(days=10))
    assert usable_pass_for(member, _paid_event()) == sooner
    assert later != sooner


def test_cancelling_before_the_event_gives_the_session_back(member):
    pass_purchase = PassFactory(user=member)
    ticket = services.pass_book_session(
        pass_=pass_purchase, event=_paid_event(), user=member
    )
    assert pass_purchase.sessions_left == 4
    ticket_services.ticket_cancel_by_holder(ticket=ticket, actor=member)
    assert pass_purchase.sessions_left == 5


def test_cancelling_after_the_pass_expired_does_not_give_it_back(member):
    pass_purchase = PassFactory(user=member)
    ticket = services.pass_book_session(
        pass_=pass_purchase, event=_paid_event(), user=member
    )
    # Time passes: the pass expires before the holder cancels.
    pass_purchase.expires_at = timezone.now() - timedelta(minutes=1)
    pass_purchase.save()
    ticket_services.ticket_cancel(ticket=ticket, actor=member)
    assert pass_purchase.sessions_left == 4


def test_use_view_books_and_redirects_to_the_ticket(member, client):
    pass_purchase = PassFactory(user=member)
    event = _paid_event()
    client.force_login(member)
    response = client.post(f"/en/passes/use/{event.pk}/")
    ticket = PassUse.objects.get().ticket
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    assert pass_purchase.sessions_left == 4


def test_use_view_without_a_pass_explains_and_books_nothing(member, client):
    event = _paid_event()
    client.force_login(member)
    response = client.post(f"/en/passes/use/{event.pk}/", follow=True)
    assert b"no pass that covers this event" in response.content
    assert not event.tickets.exists()


def test_use_view_needs_a_signed_in_user(client, db):
    event = _paid_event()
    response = client.post(f"/en/passes/use/{event.pk}/")
    assert response.status_code == 302
    assert "/account/" in response["Location"] or "login" in response["Location"]
    assert not event.tickets.exists()


def test_booking_partial_offers_the_pass_with_its_balance(member):
    PassFactory(user=member)
    event = _paid_event()
    request = RequestFactory().get("/en/")
    request.user = member
    html = render_to_string("passes/_use_pass.html", {"event": event}, request=request)
    assert "Use my pass (5 left)" in html
    assert f"/passes/use/{event.pk}/" in html
    request.user = PassFactory().user  # someone whose pass covers it too
    assert "Use my pass" in render_to_string(
        "passes/_use_pass.html", {"event": event}, request=request
    )


def test_booking_partial_is_empty_without_a_usable_pass(member):
    request = RequestFactory().get("/en/")
    request.user = member
    html = render_to_string(
        "passes/_use_pass.html", {"event": _paid_event()}, request=request
    )
    assert "Use my pass" not in html


def test_my_passes_page_shows_balance_expiry_and_history(
    member, client, django_assert_max_num_queries
):
    pass_purchase = PassFactory(user=member)
    event = _paid_event(title_en="Tuesday exchange", title_es="")
    ticket = services.pass_book_session(pass_=pass_purchase, event=event, user=member)
    cancelled = services.pass_book_session(
        pass_=pass_purchase,
        event=_paid_event(title_en="Gone", title_es=""),
        user=member,
    )
    ticket_services.ticket_cancel_by_holder(ticket=cancelled, actor=member)
    PassFactory(user=member)  # a second pass, unused
    client.force_login(member)
    with django_assert_max_num_queries(12):
        response = client.get("/en/passes/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 of 5" in html
    assert "Tuesday exchange" in html
    assert ticket.get_absolute_url() in html
    assert "session returned" in html
    assert "Valid until" in html
    assert "Not used yet." in html


def test_my_passes_page_needs_sign_in(client, db):
    assert client.get("/en/passes/").status_code == 302


def test_products_page_lists_passes_on_sale(product, client, member, fake):
    client.force_login(member)
    html = client.get("/en/passes/buy/").content.decode()
    assert "10 sessions" in html
    assert f"/en/passes/buy/{product.pk}/?provider=stripe" in html
