"""The cash-up is a blind count: a volunteer enters what is in their box before the
page tells them what was expected. Tested from the volunteer's side: the amounts
must not be anywhere in the HTML they receive."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from community.models import AuditLog
from community.tests.factories import UserFactory
from door import services
from door.models import CashCount

pytestmark = pytest.mark.django_db

# Amounts that appear nowhere else on the page, in both notations.
MINE = ("7.30", "7,30")
OTHERS = ("5.15", "5,15")
TOTAL = ("12.45", "12,45")


def _url(event, language="en"):
    with translation.override(language):
        return reverse("door:cashup", kwargs={"event_id": event.pk})


@pytest.fixture
def night(volunteer):
    """Our volunteer took 7.30 in cash, a colleague 5.15."""
    from events.tests.factories import EventFactory

    event = EventFactory(price=Decimal("7.30"), currency="EUR")
    colleague = UserFactory(role="volunteer", name="Colleague")
    services.walkin_register(event=event, name="A", actor=volunteer)
    services.walkin_register(
        event=event, name="B", amount=Decimal("5.15"), actor=colleague
    )
    return event


@pytest.mark.parametrize("language", ["en", "es"])
def test_volunteer_sees_no_expected_cash_before_counting(
    client, volunteer, night, language
):
    client.force_login(volunteer)

    page = client.get(_url(night, language)).content.decode()

    assert 'name="counted"' in page
    for amount in (*MINE, *OTHERS, *TOTAL):
        assert amount not in page
    assert "Colleague" not in page


def test_volunteer_sees_expected_and_difference_after_saving_the_count(
    client, volunteer, night
):
    client.force_login(volunteer)
    client.post(_url(night), {"action": "count", "counted": "7.00"})

    page = client.get(_url(night)).content.decode()

    assert "€7.30" in page  # expected
    assert "€7.00" in page  # counted
    assert "-€0.30" in page  # difference
    assert 'name="counted"' not in page
    for amount in (*OTHERS, *TOTAL):  # still only their own box
        assert amount not in page


def test_volunteer_cannot_recount_after_seeing_the_expected_cash(
    client, volunteer, night
):
    client.force_login(volunteer)
    client.post(_url(night), {"action": "count", "counted": "0.00"})

    client.post(_url(night), {"action": "count", "counted": "7.30"})

    assert CashCount.objects.get(volunteer=volunteer).counted == Decimal("0.00")
    assert AuditLog.objects.filter(action="cash.counted").count() == 1


def test_organizer_may_correct_a_volunteers_count(client, organizer, volunteer, night):
    client.force_login(volunteer)
    client.post(_url(night), {"action": "count", "counted": "0.00"})
    client.force_login(organizer)

    client.post(
        _url(night),
        {"action": "count", "counted": "7.30", "volunteer": str(volunteer.pk)},
    )

    assert CashCount.objects.get(volunteer=volunteer).counted == Decimal("7.30")


def test_organizer_sees_every_expected_amount_before_any_count(
    client, organizer, night
):
    client.force_login(organizer)

    page = client.get(_url(night)).content.decode()

    assert "€7.30" in page
    assert "€5.15" in page
    assert "€12.45" in page


def test_closed_cash_up_shows_a_volunteer_only_their_own_line(
    client, organizer, volunteer, night
):
    services.cashup_close(event=night, actor=organizer)
    client.force_login(volunteer)

    page = client.get(_url(night, "es")).content.decode()

    assert "7,30\xa0€" in page
    for amount in (*OTHERS, *TOTAL):
        assert amount not in page
