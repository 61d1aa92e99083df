import pytest
from django.db import transaction

from emails.models import EmailLog, EmailStatus
from emails.services import email_send_templated
from emails.tests.backends import FlakyEmailBackend
from events.tests.factories import EventFactory
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _send(commit, **overrides):
    ticket = overrides.pop("ticket", None) or TicketFactory()
    kwargs = {
        "to": "ana@example.com",
        "template": "event_reminder",
        "context": {
            "name": "Ana & Co",
            "ticket": ticket,
            "event": ticket.event,
            "manage_url": "https://example.com/t/1",
        },
        "language": "en",
        "topic": f"event:{ticket.event.pk}",
    }
    kwargs.update(overrides)
    with commit():
        return email_send_templated(**kwargs)


def test_email_is_logged_and_sent_html_and_text(commit, mailoutbox):
    log = _send(commit)
    log.refresh_from_db()
    assert log.status == EmailStatus.SENT
    assert log.sent_at is not None
    assert log.attempts == 1
    [message] = mailoutbox
    assert message.to == ["ana@example.com"]
    assert message.subject == log.subject
    assert message.subject.startswith("Reminder: Exchange")
    # Plain text is not escaped; HTML is.
    assert "Hello Ana & Co," in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Ana &amp; Co" in html
    assert '<html lang="en">' in html


def test_email_rendered_in_the_recipients_language(commit, mailoutbox):
    _send(commit, language="es")
    html = mailoutbox[0].alternatives[0][0]
    assert '<html lang="es">' in html
    # The event title follows the language too (the event's own Spanish field).
    assert "Intercambio" in mailoutbox[0].subject


def test_email_waits_for_the_transaction_to_commit(commit, mailoutbox):
    ticket = TicketFactory()
    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        email_send_templated(
            to="ana@example.com",
            template="event_reminder",
            context={"ticket": ticket, "event": ticket.event},
            language="en",
        )
        assert mailoutbox == []
        raise RuntimeError("booking failed")
    assert mailoutbox == []
    assert not EmailLog.objects.exists()


def test_failed_send_is_retried_until_it_goes_through(commit, settings, mailoutbox):
    settings.MAILERS = {
        "default": {"BACKEND": "emails.tests.backends.FlakyEmailBackend"}
    }
    FlakyEmailBackend.failures, FlakyEmailBackend.calls = 2, 0
    log = _send(commit)
    log.refresh_from_db()
    assert log.status == EmailStatus.SENT
    assert log.attempts == 3
    assert len(mailoutbox) == 1


def test_send_gives_up_after_the_last_attempt_and_keeps_the_error(
    commit, settings, mailoutbox
):
    settings.MAILERS = {
        "default": {"BACKEND": "emails.tests.backends.FlakyEmailBackend"}
    }
    settings.EMAIL_MAX_ATTEMPTS = 3
    FlakyEmailBackend.failures, FlakyEmailBackend.calls = 100, 0
    log = _send(commit)
    log.refresh_from_db()
    assert log.status == EmailStatus.FAILED
    assert log.attempts == 3
    assert "mail server unreachable" in log.error
    assert FlakyEmailBackend.calls == 3
    assert mailoutbox == []


def test_same_key_sends_once(commit, mailoutbox):
    event = EventFactory()
    ticket = TicketFactory(event=event)
    first = _send(commit, ticket=ticket, key="reminder:x")
    second = _send(commit, ticket=ticket, key="reminder:x")
    assert first.pk == second.pk
    assert len(mailoutbox) == 1
