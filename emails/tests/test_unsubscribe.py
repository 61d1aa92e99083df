import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import AuditLog
from community.tests.factories import UserFactory
from emails.bulk import unsubscribe_url
from tickets.notifications import notify_ticket_confirmed
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _subscriber():
    return UserFactory(marketing_consent=True, email_verified_at=timezone.now())


def test_one_click_unsubscribe_post_without_csrf_or_session(client):
    user = _subscriber()
    url = unsubscribe_url(user=user, language="en")
    # What a mail client sends for RFC 8058 one-click.
    client.handler.enforce_csrf_checks = True
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.marketing_consent is False
    assert user.marketing_consent_at is not None
    assert AuditLog.objects.filter(action="user.consent_withdrawn").exists()


def test_unsubscribe_link_asks_before_acting(client):
    user = _subscriber()
    response = client.get(unsubscribe_url(user=user, language="en"))
    assert response.status_code == 200
    assert "Unsubscribe" in response.text
    user.refresh_from_db()
    assert user.marketing_consent is True  # a link scanner's GET changes nothing


def test_forged_unsubscribe_token_is_refused(client):
    user = _subscriber()
    response = client.post(
        reverse("emails:unsubscribe", kwargs={"token": f"{user.pk}:forged"})
    )
    assert response.status_code == 404
    user.refresh_from_db()
    assert user.marketing_consent is True


def test_unsubscribed_member_still_gets_ticket_emails(client, commit, mailoutbox):
    user = _subscriber()
    client.post(unsubscribe_url(user=user, language="en"))
    ticket = TicketFactory(user=user)
    with commit():
        notify_ticket_confirmed(ticket)
    assert [m.to[0] for m in mailoutbox] == [user.email]
