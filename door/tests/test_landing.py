"""Door staff land at the door after signing in; the door is in their menu; the
door index puts today's and tomorrow's events first; signing out wipes storage."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from community.tests.factories import UserFactory
from door.selectors import cash_summary
from events.tests.factories import EventFactory
from passes.models import Pass
from passes.tests.factories import PassProductFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long door passphrase 42"  # noqa: S105


def _en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def _sign_in(client, user, **params):
    user.set_password(PASSWORD)
    user.save()
    url = "/en/account/login/"
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(url, {"username": user.email, "password": PASSWORD}, follow=True)


def _today(**kwargs):
    start = timezone.localtime().replace(hour=20, minute=0, second=0, microsecond=0)
    return EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), **kwargs)


def test_volunteer_signs_in_and_lands_at_todays_door(client):
    event = _today()
    EventFactory(starts_at=timezone.now() + timedelta(days=3))
    volunteer = UserFactory(role="volunteer")

    response = _sign_in(client, volunteer)

    assert response.redirect_chain[-1][0] == _en(
        "tickets:door-event", event_id=event.pk
    )


def test_with_no_event_today_door_staff_land_on_the_door_index(client):
    EventFactory(starts_at=timezone.now() + timedelta(days=3))
    organizer = UserFactory(role="organizer")

    response = _sign_in(client, organizer)

    assert response.redirect_chain[-1][0] == _en("tickets:door")


def test_an_explicit_next_wins_over_the_door(client):
    _today()
    volunteer = UserFactory(role="volunteer")
    response = _sign_in(client, volunteer, next="/en/account/")
    assert response.redirect_chain[-1][0] == "/en/account/"


def test_members_do_not_land_at_the_door(client):
    _today()
    member = UserFactory(role="member")
    response = _sign_in(client, member)
    assert response.redirect_chain[-1][0] == _en("events:home")
    assert "/tickets/door/" not in response.content.decode()


def test_door_is_in_the_menu_for_staff_only(client):
    client.force_login(UserFactory(role="volunteer"))
    assert f'href="{_en("tickets:door")}"' in client.get("/en/").content.decode()
    client.force_login(UserFactory(role="member"))
    assert f'href="{_en("tickets:door")}"' not in client.get("/en/").content.decode()


def test_door_index_lists_today_and_tomorrow_first(client, volunteer):
    later = EventFactory(title_en="Later", starts_at=timezone.now() + timedelta(days=4))
    tomorrow = EventFactory(
        title_en="Tomorrow",
        starts_at=timezone.localtime().replace(hour=20, minute=0) + timedelta(days=1),
    )
    today = _today(title_en="Tonight")
    client.force_login(volunteer)
    page = client.get(_en("tickets:door")).content.decode()
    positions = [page.index(str(e.pk)) for e in (today, tomorrow, later)]
    assert positions == sorted(positions)


def test_signing_out_tells_the_browser_to_wipe_stored_lists(client, volunteer):
    client.force_login(volunteer)
    response = client.post("/en/account/logout/")
    assert response["Clear-Site-Data"] == '"storage"'


def test_volunteer_sells_a_pass_at_the_door_counted_in_the_cash_up(client, volunteer):
    event = _today()
    product = PassProductFactory(price=Decimal("40.00"))
    client.force_login(volunteer)

    response = client.post(
        _en("door:pass-sell", event_id=event.pk),
        {"product": product.pk, "email": "newcomer@example.com", "name": "Nina"},
    )

    assert response.status_code == 302
    sold = Pass.objects.get(user__email="newcomer@example.com")
    assert sold.sold_by == volunteer and sold.sold_at_event == event
    summary = cash_summary(event=event)
    assert summary.passes_sold == 1 and summary.expected == Decimal("40.00")
    (line,) = summary.lines
    assert line.volunteer_id == str(volunteer.pk)


def test_a_pass_in_another_currency_cannot_be_sold_at_the_door(client, volunteer):
    event = _today()
    product = PassProductFactory(currency="CLP", price=Decimal("5000"))
    client.force_login(volunteer)
    client.post(
        _en("door:pass-sell", event_id=event.pk),
        {"product": product.pk, "email": "x@example.com"},
    )
    assert not Pass.objects.exists()


def test_members_cannot_sell_passes_at_the_door(client, member):
    event = _today()
    product = PassProductFactory()
    client.force_login(member)
    response = client.post(
        _en("door:pass-sell", event_id=event.pk),
        {"product": product.pk, "email": "x@example.com"},
    )
    assert response.status_code == 403
    assert not Pass.objects.exists()
